import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  BalanceSchema,
  BillsQuerySchema,
  BillsResponseSchema,
  BuyPackageRequestSchema,
  CatalogSchema,
  ChargeParamsSchema,
  ConfirmChargeResponseSchema,
  LowBalanceThresholdRequestSchema,
  PurchaseResponseSchema,
  UsageQuerySchema,
  UsageSchema,
} from '@wa/contracts';
import { created, parse, respond } from '../../lib/http.ts';
import { csvDownload } from '../../lib/keyset.ts';
import type { Logger } from '../../lib/logger.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import { requireActiveBusiness } from '../lifecycle/business-guard.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { BillingSyncService } from './billing-sync.service.ts';
import { BillingService } from './billing.service.ts';
import { callerOf } from './caller.ts';

/** Catalog, packages, charge confirmation, bills, usage and the low-balance threshold (Part C, F.1). */
export function billingRoutes(billing: BillingService, sync: BillingSyncService, auth: AuthService) {
  const r = Router();
  r.get(
    '/catalog',
    respond(CatalogSchema, () => billing.catalog),
  );
  r.post(
    '/billing/packages',
    requireManager,
    requireActiveBusiness,
    created(PurchaseResponseSchema, async (req, res) => {
      const { packageId } = parse(BuyPackageRequestSchema, req.body);
      const caller = callerOf(req, res, auth);
      const out = await billing.buyPackage(caller, packageId);
      await sync.remember(caller, true);
      return out;
    }),
  );
  r.post(
    '/billing/charges/:chargeId/confirm',
    requireManager,
    respond(ConfirmChargeResponseSchema, async (req, res) => {
      const { chargeId } = parse(ChargeParamsSchema, req.params, 'params');
      const caller = callerOf(req, res, auth);
      const out = await billing.confirm(caller, chargeId);
      await sync.remember(caller, !out.settled);
      return out;
    }),
  );
  r.get(
    '/billing/charges',
    respond(BillsResponseSchema, (req, res) => billing.billsPage(ctx(res).org.id, parse(BillsQuerySchema, req.query, 'query'))),
  );
  r.get(
    '/billing/charges.csv',
    csvDownload('bills', BillingService.BILLS_CSV_HEADER, (_req, res) => billing.billsCsvRows(ctx(res).org.id)),
  );
  r.get(
    '/billing/usage',
    respond(UsageSchema, (req, res) => billing.usage(ctx(res).org.id, parse(UsageQuerySchema, req.query, 'query'))),
  );
  r.put(
    '/balance/low-balance-threshold',
    requireManager,
    respond(BalanceSchema, (req, res) =>
      billing.setLowBalanceThreshold(ctx(res).org.id, parse(LowBalanceThresholdRequestSchema, req.body).threshold),
    ),
  );
  return r;
}

/**
 * After authentication: an owner or admin using the app (any read: the widgets poll the balance and the numbers)
 * keeps their token for the billing sync while the organization has charges to watch, at most once a minute per
 * organization. Never delays or fails a request; writes (`POST`…) remember explicitly where they create charges.
 */
export function rememberManagersForSync(sync: BillingSyncService, auth: AuthService, log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const c = res.locals.ctx as ReturnType<typeof ctx> | undefined;
    if (req.method === 'GET' && c && c.identity.role !== 'agent') {
      sync.remember(callerOf(req, res, auth)).catch((err: Error) => log.warn({ err: err.message }, 'could not keep the billing token'));
    }
    next();
  };
}
