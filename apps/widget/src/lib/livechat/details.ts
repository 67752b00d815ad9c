import { createDetailsWidget } from '@livechat/agent-app-sdk';
import type { DetailsWidget } from './types.ts';

/**
 * Starts the handshake with the Agent App. Call it once, synchronously, while the entry module is evaluated:
 * the host handshakes only for about 3 s after the iframe's first load and never again.
 */
export function connectDetailsWidget(): Promise<DetailsWidget> {
  return createDetailsWidget();
}
