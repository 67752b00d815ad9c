import { connectDetailsWidget } from '../../lib/livechat/details.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@livechat/design-system-react-components/dist/design-system-react-components.css';
import '../styles.css';
import { AppProviders } from '../providers.tsx';
import { DetailsApp } from './details-app.tsx';

// The handshake with the Agent App starts while this module is evaluated, before sign-in, fetches or React:
// the host tries only for about 3 s after the iframe's first load, and never again.
const widget = connectDetailsWidget();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProviders widget={widget}>
      <DetailsApp />
    </AppProviders>
  </StrictMode>,
);
