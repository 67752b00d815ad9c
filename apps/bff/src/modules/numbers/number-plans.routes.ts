import { Router } from 'express';
import {
  CallbackSettingsSchema,
  ChoosePlanRequestSchema,
  ConnectNumberRequestSchema,
  DisconnectNumberResponseSchema,
  NumberParamsSchema,
  NumberPurchaseResponseSchema,
  type CallbackSettings,
} from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import { requireActiveBusiness } from '../lifecycle/business-guard.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { BillingSyncService } from '../billing/billing-sync.service.ts';
import { callerOf } from '../billing/caller.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import type { NumberPlansService } from './number-plans.service.ts';

/** Connect, pay a plan for, and disconnect numbers; Kaleyra's callback settings (owners and admins). */
export function numberPlansRoutes(
  plans: NumberPlansService,
  sync: BillingSyncService,
  auth: AuthService,
  callbackSettings: (org: OrganizationRow) => CallbackSettings,
) {
  const r = Router();
  r.get(
    '/numbers/callback-settings',
    requireManager,
    handle(async (_req, res) => {
      res.json(CallbackSettingsSchema.parse(callbackSettings(ctx(res).org)));
    }),
  );
  r.post(
    '/numbers',
    requireManager,
    requireActiveBusiness,
    handle(async (req, res) => {
      const body = parse(ConnectNumberRequestSchema, req.body);
      const caller = callerOf(req, res, auth);
      const out = await plans.connect(caller, ctx(res).org, body);
      await sync.remember(caller, true);
      res.status(201).json(NumberPurchaseResponseSchema.parse(out));
    }),
  );
  r.post(
    '/numbers/:numberId/plan',
    requireManager,
    requireActiveBusiness,
    handle(async (req, res) => {
      const { numberId } = parse(NumberParamsSchema, req.params, 'params');
      const body = parse(ChoosePlanRequestSchema, req.body);
      const caller = callerOf(req, res, auth);
      const out = await plans.choosePlan(caller, ctx(res).org, numberId, body);
      await sync.remember(caller, true);
      res.status(201).json(NumberPurchaseResponseSchema.parse(out));
    }),
  );
  r.delete(
    '/numbers/:numberId',
    requireManager,
    handle(async (req, res) => {
      const { numberId } = parse(NumberParamsSchema, req.params, 'params');
      const number = await plans.disconnect(callerOf(req, res, auth), ctx(res).org, numberId);
      res.json(DisconnectNumberResponseSchema.parse({ number }));
    }),
  );
  return r;
}
