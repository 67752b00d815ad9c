import { connectFullscreenWidget } from '../../lib/livechat/fullscreen.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@livechat/design-system-react-components/dist/design-system-react-components.css';
import '../styles.css';
import { AppProviders } from '../providers.tsx';
import { FullscreenApp } from './fullscreen-app.tsx';

// Handshake first, synchronously, before sign-in or any fetch (see the details entry).
const widget = connectFullscreenWidget();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProviders widget={widget}>
      <FullscreenApp />
    </AppProviders>
  </StrictMode>,
);
