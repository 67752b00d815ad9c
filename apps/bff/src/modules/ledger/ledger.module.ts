import type { ModuleContext } from '../../lib/module-context.ts';
import { LedgerService } from './ledger.service.ts';

/** The ledger: the one way money and conversations move. */
export function createLedgerModule(ctx: ModuleContext) {
  return { ledger: new LedgerService(ctx.db) };
}
