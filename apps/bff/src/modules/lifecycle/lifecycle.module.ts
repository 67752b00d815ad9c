import express, { Router } from 'express';
import type { Config } from '../../config.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ModuleContext } from '../../lib/module-context.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import { AuditService } from '../audit/audit.service.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { BillingSyncService } from '../billing/billing-sync.service.ts';
import type { BillingService } from '../billing/billing.service.ts';
import type { TokenVault } from '../billing/token-vault.ts';
import type { CampaignDispatcher } from '../campaigns/campaign-dispatcher.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import { opsRoutes } from '../ops/ops.routes.ts';
import { OpsService } from '../ops/ops.service.ts';
import { refundsRoutes } from '../refunds/refunds.routes.ts';
import { RefundsService } from '../refunds/refunds.service.ts';
import { cancelCampaignsOnLossOfAccess, pauseCampaignsOnSuspension } from '../campaigns/campaigns-on-loss.ts';
import { provideBusinessBlock } from './business-guard.ts';
import { lifecycleRoutes } from './lifecycle.routes.ts';
import { LifecycleService } from './lifecycle.service.ts';
import { PlanCancellationService } from './plan-cancellation.service.ts';
import type { TermsConfig } from './terms.ts';

export interface LifecycleServices {
  audit: AuditService;
  lifecycle: LifecycleService;
  planCancellations: PlanCancellationService;
  refunds: RefundsService;
  ops: OpsService;
}

export function termsConfig(config: Config): TermsConfig {
  // The configuration refuses a TERMS_VERSION that is not a date without TERMS_EFFECTIVE_DATE (config.ts).
  const effectiveDate = config.TERMS_EFFECTIVE_DATE ?? config.TERMS_VERSION;
  return { version: config.TERMS_VERSION, url: config.TERMS_URL, effectiveDate, earlierUrl: config.TERMS_EARLIER_URL ?? null };
}

/** The account lifecycle, terms, refunds, operators and the audit log, built on the billing and campaign services. */
export function createLifecycleModule(
  ctx: ModuleContext,
  deps: {
    ledger: LedgerService;
    billing: BillingService;
    vault: TokenVault;
    campaignDispatcher?: Pick<CampaignDispatcher, 'releaseIn'>;
  },
): LifecycleServices {
  const { db, config, log, now } = ctx;
  const audit = new AuditService(db);
  const planCancellations = new PlanCancellationService(db, deps.billing, deps.vault, log, now);
  const lifecycle = new LifecycleService(
    db,
    deps.ledger,
    planCancellations,
    termsConfig(config),
    { clientId: config.LIVECHAT_CLIENT_ID },
    log,
    now,
  );
  if (deps.campaignDispatcher) {
    lifecycle.onLossOfAccess(cancelCampaignsOnLossOfAccess(deps.campaignDispatcher));
    lifecycle.onSuspended(pauseCampaignsOnSuspension());
  }
  const refunds = new RefundsService(db, lifecycle, deps.billing, planCancellations, log, now);
  const ops = new OpsService(db, deps.ledger, lifecycle, refunds);
  return { audit, lifecycle, planCancellations, refunds, ops };
}

/**
 * Mounted on the authenticated /api router before the other modules' routes: routes that buy add
 * `requireActiveBusiness` (business-guard.ts) beside `requireManager`; sends ask the send policy instead.
 */
export function lifecycleApiRoutes(
  s: LifecycleServices,
  deps: { billingSync: BillingSyncService; auth: AuthService; log: Logger },
): Router {
  const r = Router();
  r.use(provideBusinessBlock(s.lifecycle));
  r.use(lifecycleRoutes(s.lifecycle));
  r.use(refundsRoutes(s.refunds, deps.billingSync, deps.auth, deps.log));
  r.use(auditRoutes(s.audit));
  return r;
}

/** The operator surface, mounted at /ops (its own authentication; never LiveChat tokens). */
export function opsRouter(s: LifecycleServices, config: Config, log: Logger): Router {
  const r = Router();
  r.use(express.json({ limit: '64kb' }));
  r.use(
    opsRoutes({
      ops: s.ops,
      lifecycle: s.lifecycle,
      refunds: s.refunds,
      audit: s.audit,
      credentials: config.OPS_CREDENTIALS,
      failuresPer15Min: config.OPS_AUTH_FAILURES_PER_15_MIN,
      log,
    }),
  );
  return r;
}
