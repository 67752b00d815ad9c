import type { ModuleContext } from '../../lib/module-context.ts';
import { BillingClient } from '../../providers/livechat-billing/billing.client.ts';
import type { BillingPort } from '../../providers/livechat-billing/billing.port.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import { BillingSyncService } from './billing-sync.service.ts';
import { BillingService } from './billing.service.ts';
import { TokenVault } from './token-vault.ts';

/** Part C, F.1: packages, charge verification, the billing sync and the vault of kept LiveChat tokens. */
export function createBillingModule(ctx: ModuleContext, deps: { ledger: LedgerService; billingPort?: BillingPort }) {
  const { config, db, log, now } = ctx;
  const billingPort = deps.billingPort ?? new BillingClient(config.LIVECHAT_BILLING_URL);
  // BILLING_TOKEN_KEY is required in production by the configuration (config.ts, productionProblems).
  const vault = config.BILLING_TOKEN_KEY ? new TokenVault(config.BILLING_TOKEN_KEY) : TokenVault.ephemeral();
  const billingOptions = { returnUrl: config.PUBLIC_BASE_URL, testCharges: config.BILLING_TEST_CHARGES };
  const billing = new BillingService(
    db,
    deps.ledger,
    billingPort,
    config.CATALOG_JSON,
    { ...billingOptions, pendingTtlMs: config.BILLING_PENDING_TTL_MINUTES * 60_000 },
    log,
    now,
  );
  const billingSync = new BillingSyncService(
    db,
    billing,
    billingPort,
    vault,
    { clientId: config.LIVECHAT_CLIENT_ID, testCharges: config.BILLING_TEST_CHARGES },
    log,
    now,
  );
  return { billing, billingSync, billingPort, vault, billingOptions };
}
