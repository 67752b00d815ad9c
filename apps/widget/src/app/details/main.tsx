import { connectDetailsWidget } from '../../lib/livechat/details.ts';
import { mountApp } from '../mount.tsx';
import { DetailsApp } from './details-app.tsx';

// The handshake with the Agent App starts while this module is evaluated, before sign-in, fetches or React:
// the host tries only for about 3 s after the iframe's first load, and never again.
const widget = connectDetailsWidget();

mountApp(widget, <DetailsApp />);
