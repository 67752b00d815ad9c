// A measuring stick, not a product page: the framework pieces every widget page pays for (React, TanStack Query,
// the agent-app SDK, the design system), rendered trivially. Compare a page's JS against this floor.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { connectDetailsWidget } from '../lib/livechat/details.ts';
import { Button, Card, ThemeProvider } from '@livechat/design-system-react-components';
import '@livechat/design-system-react-components/dist/design-system-react-components.css';

const widget = connectDetailsWidget();
void widget.then(() => console.info('floor: handshake done'));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={new QueryClient()}>
      <ThemeProvider>
        <Card title="Floor">
          <Button kind="primary">Button</Button>
        </Card>
      </ThemeProvider>
    </QueryClientProvider>
  </StrictMode>,
);
