import { createFullscreenWidget } from '@livechat/agent-app-sdk';
import type { FullscreenWidget } from './types.ts';

/** Starts the handshake at once (see connectDetailsWidget) and clears the app's badge in the Agent App menu. */
export function connectFullscreenWidget(): Promise<FullscreenWidget> {
  const widget = createFullscreenWidget();
  void widget.then((w) => w.setNotificationBadge(null));
  return widget;
}
