import type { Catalog } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { currentPlanOf } from '../billing/billing.service.ts';
import { ledgerBalanceIn, lockLedgerIn } from '../ledger/ledger.service.ts';
import { blockOf } from '../lifecycle/access.ts';
import type { LifecycleService } from '../lifecycle/lifecycle.service.ts';
import { startOf, termsStateOf } from '../lifecycle/terms.ts';
import { customerWindowAt } from '../messaging/conversation-window.ts';
import { findNumber } from '../numbers/numbers.service.ts';
import { findOptOut, optedOutAmong } from '../optouts/optouts.service.ts';
import type { RecipientRightsService } from '../privacy/recipient-rights.service.ts';
import { readSendRows } from './send-facts.repo.ts';
import type { SendFacts } from './send-policy.ts';
import { isUuid } from '../../lib/uuid.ts';

/**
 * The send policy's view of the other modules. Services are passed as getters because the policy is built
 * before some of them (messaging needs the policy; the policy needs messaging's customer window).
 */
export function sendFacts(deps: {
  catalog: Catalog;
  lifecycle: () => Pick<LifecycleService, 'blockFor' | 'terms'>;
  rights: () => Pick<RecipientRightsService, 'blockedAmong' | 'hasher'>;
  customerWindowUntil: (conn: Db | Tx, numberId: string, recipient: string, now: Date) => Promise<Date | null>;
  /** The customer-service window (CONVERSATION_WINDOW_HOURS), for the window read with the other facts. */
  windowMs: number;
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
    oneSend: async (tx, s) => {
      if (!isUuid(s.numberId)) return undefined;
      const terms = deps.lifecycle().terms;
      const erasedKey = deps.rights().hasher.hash(s.organizationId, s.recipient);
      const row = await readSendRows(tx, { ...s, erasedKey, termsVersion: terms.version });
      // No lifecycle row yet: `businessBlock` creates it, on the path that asks one fact at a time.
      if (!row?.lifecycle) return undefined;
      // The business's block as the lifecycle module's `blockFor` works it out, from the rows read here.
      const startedAt = startOf(row.organization.createdAt, row.lifecycle);
      const { acceptanceRequired } = termsStateOf(terms, {
        startedAt,
        installation: row.lifecycle.installation,
        acceptance: row.acceptance,
      });
      return {
        business: blockOf({ status: row.organization.status, statusReason: row.lifecycle.statusReason, termsRequired: acceptanceRequired }),
        number: row.number ?? undefined,
        optOut: row.optOut ?? undefined,
        privacy: row.restricted ? 'restricted' : row.erasedOptOut ? 'erased_opted_out' : undefined,
        windowOpen: customerWindowAt(row.lastInboundAt, s.now, deps.windowMs).open,
      };
    },
  };
}
