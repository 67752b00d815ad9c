import type { Request, RequestHandler } from 'express';
import type { SandboxContext } from '../state.ts';
import { ChatApiError, sendChatError } from './chat-actions.ts';
import { applyInjection } from './chat-faults.ts';
import type { ChatStore } from './chat-store.ts';

/** A Chat API route: answers what `run` returns as JSON, or its error in LiveChat's envelope. */
export function chatRoute(run: (req: Request) => unknown): RequestHandler {
  return async (req, res) => {
    try {
      res.json(await run(req));
    } catch (error) {
      sendChatError(res, error);
    }
  };
}

/**
 * The action a `/v3.6/<api>/action/:action` call names, once it is known to be one of `actions` and any failure
 * injected for it has been applied. An unknown action is LiveChat's 404.
 */
export async function dispatchedAction<A extends string>(
  ctx: SandboxContext,
  store: ChatStore,
  api: 'agent' | 'customer' | 'configuration',
  actions: Record<A, unknown>,
  req: Request,
): Promise<A> {
  const action = req.params.action as string;
  if (!(action in actions)) throw new ChatApiError(404, 'not_found', `Unknown action ${action}`);
  await applyInjection(ctx, store, `${api}/${action}`);
  return action as A;
}
