import { connectFullscreenWidget } from '../../lib/livechat/fullscreen.ts';
import { mountApp } from '../mount.tsx';
import { FullscreenApp } from './fullscreen-app.tsx';

// Handshake first, synchronously, before sign-in or any fetch (see the details entry).
const widget = connectFullscreenWidget();

mountApp(widget, <FullscreenApp />);
