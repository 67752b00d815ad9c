import type { OrganizationRow } from '../../db/rows.ts';
import type { ModuleContext } from '../../lib/module-context.ts';
import { timedPort } from '../../lib/provider-time.ts';
import type { KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import { balanceOf } from '../ledger/balance.service.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import type { SendPolicy } from '../sending/send-policy.ts';
import { MessagingService } from './messaging.service.ts';

/** One-on-one sends, conversations, message statuses. */
export function createMessagingModule(
  ctx: ModuleContext,
  deps: {
    ledger: LedgerService;
    kaleyra: KaleyraPort;
    numbers: NumbersService;
    sendPolicy: SendPolicy;
    statusCallbackUrl: (org: Pick<OrganizationRow, 'id' | 'webhookSecret'>) => string;
  },
) {
  const { config, db } = ctx;
  const messaging = new MessagingService(
    db,
    deps.ledger,
    // Timed: the chat relay tells what the BFF adds from what Kaleyra takes.
    timedPort(deps.kaleyra),
    deps.numbers,
    deps.sendPolicy,
    (orgId) => balanceOf(db, orgId),
    {
      chargedCategories: config.CHARGED_CATEGORIES,
      windowHours: config.CONVERSATION_WINDOW_HOURS,
      statusCallbackUrl: deps.statusCallbackUrl,
      kaleyraTimeoutMs: config.KALEYRA_TIMEOUT_MS,
      confirmWindowMs: config.SEND_CONFIRM_WINDOW_SECONDS * 1000,
    },
    ctx.log,
    ctx.now,
  );
  return { messaging };
}
