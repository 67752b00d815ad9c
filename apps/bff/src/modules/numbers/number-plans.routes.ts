import { Router, type Request, type Response } from 'express';
import {
  CallbackSettingsSchema,
  ChoosePlanRequestSchema,
  ConnectNumberRequestSchema,
  DisconnectNumberResponseSchema,
  NumberParamsSchema,
  NumberPurchaseResponseSchema,
  type CallbackSettings,
} from '@wa/contracts';
import { created, parse, respond } from '../../lib/http.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import { requireActiveBusiness } from '../lifecycle/business-guard.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { BillingSyncService } from '../billing/billing-sync.service.ts';
import { callerOf } from '../billing/caller.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import type { Caller } from '../billing/billing.service.ts';
import type { NumberPlansService } from './number-plans.service.ts';

/** Connect, pay a plan for, and disconnect numbers; Kaleyra's callback settings (owners and admins). */
export function numberPlansRoutes(
  plans: NumberPlansService,
  sync: BillingSyncService,
  auth: AuthService,
  callbackSettings: (org: OrganizationRow) => CallbackSettings,
) {
  const r = Router();
  /** A purchase creates a charge to watch: the buyer's token is kept for the billing sync. */
  const purchase = async <T>(req: Request, res: Response, buy: (caller: Caller) => Promise<T>) => {
    const caller = callerOf(req, res, auth);
    const out = await buy(caller);
    await sync.remember(caller, true);
    return out;
  };
  r.get(
    '/numbers/callback-settings',
    requireManager,
    respond(CallbackSettingsSchema, (_req, res) => callbackSettings(ctx(res).org)),
  );
  r.post(
    '/numbers',
    requireManager,
    requireActiveBusiness,
    created(NumberPurchaseResponseSchema, (req, res) => {
      const body = parse(ConnectNumberRequestSchema, req.body);
      return purchase(req, res, (caller) => plans.connect(caller, ctx(res).org, body));
    }),
  );
  r.post(
    '/numbers/:numberId/plan',
    requireManager,
    requireActiveBusiness,
    created(NumberPurchaseResponseSchema, (req, res) => {
      const { numberId } = parse(NumberParamsSchema, req.params, 'params');
      const body = parse(ChoosePlanRequestSchema, req.body);
      return purchase(req, res, (caller) => plans.choosePlan(caller, ctx(res).org, numberId, body));
    }),
  );
  r.delete(
    '/numbers/:numberId',
    requireManager,
    respond(DisconnectNumberResponseSchema, async (req, res) => {
      const { numberId } = parse(NumberParamsSchema, req.params, 'params');
      return { number: await plans.disconnect(callerOf(req, res, auth), ctx(res).org, numberId) };
    }),
  );
  return r;
}
