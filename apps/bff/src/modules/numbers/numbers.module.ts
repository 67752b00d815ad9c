import type { ModuleContext } from '../../lib/module-context.ts';
import type { KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import type { BillingPort } from '../../providers/livechat-billing/billing.port.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { NumberPlansService } from './number-plans.service.ts';
import { NumbersService } from './numbers.service.ts';

/** WhatsApp numbers and the plan each one is paid with. */
export function createNumbersModule(
  ctx: ModuleContext,
  deps: {
    kaleyra: KaleyraPort;
    billing: BillingService;
    billingPort: BillingPort;
    billingOptions: { returnUrl: string; testCharges: boolean };
  },
) {
  const numbers = new NumbersService(ctx.db, deps.kaleyra, ctx.log, ctx.config.CATALOG_JSON);
  const numberPlans = new NumberPlansService(ctx.db, numbers, deps.billing, deps.billingPort, deps.billingOptions, ctx.log, ctx.now);
  return { numbers, numberPlans };
}
