import type { SandboxContext } from '../state.ts';
import { ChatApiError } from './chat-actions.ts';
import type { ChatStore } from './chat-store.ts';

/** How long an injected `timeout` keeps the request open (LiveChat's own request timeout is 15 s). */
export const TIMEOUT_HANG_MS = 16_000;

/**
 * Applies the next injected failure for `action` (set with `POST /sandbox/livechat/fail-next`): 5xx and 429 answer
 * at once in LiveChat's error envelope; `timeout` hangs, then answers `request_timeout`.
 */
export async function applyInjection(ctx: SandboxContext, store: ChatStore, action: string): Promise<void> {
  const injection = store.takeInjection(action);
  if (!injection) return;
  switch (injection.mode) {
    case 'http429':
      throw new ChatApiError(429, 'too_many_requests', 'Too many requests');
    case 'http500':
      throw new ChatApiError(500, 'internal', 'Internal server error');
    case 'http503':
      throw new ChatApiError(503, 'service_unavailable', 'Service unavailable');
    case 'timeout':
      await ctx.scheduler.sleep(TIMEOUT_HANG_MS);
      throw new ChatApiError(504, 'request_timeout', 'Request timed out');
  }
}
