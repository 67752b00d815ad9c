import type { ModuleContext } from '../../lib/module-context.ts';
import { sendFacts } from './send-facts.ts';
import { SendPolicy } from './send-policy.ts';

/**
 * The one send policy. Built before the modules it reads (lifecycle, privacy, messaging), which it reaches through
 * functions asked only when a send asks.
 */
export function createSendingModule(ctx: ModuleContext, deps: Omit<Parameters<typeof sendFacts>[0], 'catalog' | 'windowMs'>) {
  const windowMs = ctx.config.CONVERSATION_WINDOW_HOURS * 3_600_000;
  return { sendPolicy: new SendPolicy(sendFacts({ catalog: ctx.config.CATALOG_JSON, windowMs, ...deps }), ctx.now) };
}
