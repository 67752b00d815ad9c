import { useEffect, useState, type ReactNode } from 'react';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { ThemeProvider, useTheme as useDesignSystemTheme } from '@livechat/design-system-react-components';
import { LiveChatProvider, useTheme as useLiveChatTheme } from '../lib/livechat/hooks.tsx';
import type { LiveChatWidget, Theme } from '../lib/livechat/types.ts';
import { createQueryClient } from './query-client.ts';

/** Follows the Agent App's light/dark theme (the design system's provider only takes an initial one). */
function ThemeFollower({ theme }: { theme: Theme }) {
  const { setTheme } = useDesignSystemTheme();
  useEffect(() => setTheme(theme), [theme, setTheme]);
  return null;
}

function LiveChatTheme({ children }: { children: ReactNode }) {
  const theme = useLiveChatTheme();
  return (
    <ThemeProvider initialTheme={theme}>
      <ThemeFollower theme={theme} />
      {children}
    </ThemeProvider>
  );
}

interface AppProvidersProps {
  /** The handshake promise, started by the entry before anything else. */
  widget: Promise<LiveChatWidget>;
  queryClient?: QueryClient;
  children: ReactNode;
}

export function AppProviders({ widget, queryClient, children }: AppProvidersProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <LiveChatProvider widget={widget}>
      <QueryClientProvider client={client}>
        <LiveChatTheme>{children}</LiveChatTheme>
      </QueryClientProvider>
    </LiveChatProvider>
  );
}
