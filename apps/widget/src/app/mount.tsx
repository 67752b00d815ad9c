import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import '@livechat/design-system-react-components/dist/design-system-react-components.css';
import './styles/base.css';
import './styles/messages.css';
import './styles/pages.css';
import './styles/gates.css';
import type { LiveChatWidget } from '../lib/livechat/types.ts';
import { AppProviders } from './providers.tsx';

/** Renders a widget page with the app's providers and styles (the design system's first, ours over them). */
export function mountApp(widget: Promise<LiveChatWidget>, page: ReactNode) {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <AppProviders widget={widget}>{page}</AppProviders>
    </StrictMode>,
  );
}
