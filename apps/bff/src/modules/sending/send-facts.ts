import type { Catalog } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { currentPlanOf } from '../billing/billing.service.ts';
import { ledgerBalanceIn, lockLedgerIn } from '../ledger/ledger.service.ts';
import type { LifecycleService } from '../lifecycle/lifecycle.service.ts';
import { findNumber } from '../numbers/numbers.service.ts';
import { findOptOut, optedOutAmong } from '../optouts/optouts.service.ts';
import type { RecipientRightsService } from '../privacy/recipient-rights.service.ts';
import type { SendFacts } from './send-policy.ts';

/**
 * The send policy's view of the other modules. Services are passed as getters because the policy is built
 * before some of them (messaging needs the policy; the policy needs messaging's customer window).
 */
export function sendFacts(deps: {
  catalog: Catalog;
  lifecycle: () => Pick<LifecycleService, 'blockFor'>;
  rights: () => Pick<RecipientRightsService, 'blockedAmong'>;
  customerWindowUntil: (conn: Db | Tx, numberId: string, recipient: string, now: Date) => Promise<Date | null>;
}): SendFacts {
  return {
    businessBlock: (conn, organizationId) => deps.lifecycle().blockFor(organizationId, conn),
    connectedNumber: (conn, organizationId, numberId) => findNumber(conn, organizationId, numberId),
    plan: async (conn, numberId) => {
      const plan = await currentPlanOf(conn, deps.catalog, numberId);
      return plan ? { name: plan.name, campaigns: plan.limits.campaigns } : undefined;
    },
    campaignPlans: () => deps.catalog.plans.filter((p) => p.limits.campaigns).map((p) => p.name),
    optedOutAmong: (conn, organizationId, recipients) => optedOutAmong(conn, organizationId, recipients),
    optOutOf: (conn, organizationId, recipient) => findOptOut(conn, organizationId, recipient),
    privacyBlocks: (conn, organizationId, recipients) => deps.rights().blockedAmong(conn, organizationId, recipients),
    customerWindowOpen: async (conn, numberId, recipient, now) => (await deps.customerWindowUntil(conn, numberId, recipient, now)) !== null,
    availableLocked: async (tx: Tx, organizationId) => {
      await lockLedgerIn(tx, organizationId);
      return ledgerBalanceIn(tx, organizationId);
    },
  };
}
