import type { ModuleContext } from '../../lib/module-context.ts';
import type { KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import { balanceOf } from '../ledger/balance.service.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import type { SendPolicy } from '../sending/send-policy.ts';
import { CampaignDispatcher } from './campaign-dispatcher.ts';
import { CampaignsService } from './campaigns.service.ts';
import { QuietHours } from './quiet-hours.ts';

export interface CampaignDeps {
  ledger: LedgerService;
  messaging: MessagingService;
  numbers: NumbersService;
  /** Asked by launch, resume, the test send, retries and every dispatch claim. */
  sendPolicy: SendPolicy;
  kaleyra: KaleyraPort;
  statusCallbackUrl: (org: OrganizationRow) => string;
}

/** Builds the campaigns service and its dispatcher from the app's configuration. */
export function createCampaignsModule(
  ctx: ModuleContext,
  deps: CampaignDeps,
): { campaigns: CampaignsService; campaignDispatcher: CampaignDispatcher } {
  const { config, db, log, now } = ctx;
  const balance = (orgId: string) => balanceOf(db, orgId);
  const quietHours = new QuietHours(config.QUIET_HOURS_POLICY_JSON);
  const campaignDispatcher = new CampaignDispatcher({
    db,
    ledger: deps.ledger,
    messaging: deps.messaging,
    sendPolicy: deps.sendPolicy,
    kaleyra: deps.kaleyra,
    quietHours,
    log,
    now,
    config: {
      numberRatePerSecond: config.CAMPAIGN_NUMBER_RATE_PER_SECOND,
      catalog: config.CATALOG_JSON,
      accountRatePerSecond: config.KALEYRA_ACCOUNT_RATE_PER_SECOND,
      paceSafety: config.CAMPAIGN_PACE_SAFETY,
      pairIntervalMs: config.CAMPAIGN_PAIR_INTERVAL_SECONDS * 1000,
      claimTimeoutMs: config.CAMPAIGN_CLAIM_TIMEOUT_MS ?? config.KALEYRA_TIMEOUT_MS + 20_000,
      confirmWindowMs: config.SEND_CONFIRM_WINDOW_SECONDS * 1000,
      lanes: config.CAMPAIGN_DISPATCH_LANES,
      chargedCategories: config.CHARGED_CATEGORIES,
      windowHours: config.CONVERSATION_WINDOW_HOURS,
      statusCallbackUrl: deps.statusCallbackUrl,
    },
  });
  const campaigns = new CampaignsService(
    db,
    deps.ledger,
    deps.messaging,
    deps.numbers,
    balance,
    quietHours,
    campaignDispatcher,
    deps.sendPolicy,
    {
      chargedCategories: config.CHARGED_CATEGORIES,
      catalog: config.CATALOG_JSON,
      numberRatePerSecond: config.CAMPAIGN_NUMBER_RATE_PER_SECOND,
      paceSafety: config.CAMPAIGN_PACE_SAFETY,
      maxRows: config.CAMPAIGN_MAX_ROWS,
    },
    log,
    now,
  );
  return { campaigns, campaignDispatcher };
}
