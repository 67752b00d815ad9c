import { Router } from 'express';
import { RefundResponseSchema, RefundsResponseSchema, RequestRefundSchema } from '@wa/contracts';
import { created, parse, respond } from '../../lib/http.ts';
import type { Logger } from '../../lib/logger.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { BillingSyncService } from '../billing/billing-sync.service.ts';
import { callerOf } from '../billing/caller.ts';
import type { RefundsService } from './refunds.service.ts';

/** The owner's side of the 14-day money-back guarantee (H): eligibility, requests and their status. Agents get 403. */
export function refundsRoutes(refunds: RefundsService, sync: BillingSyncService, auth: AuthService, log: Logger) {
  const r = Router();
  r.get(
    '/refunds',
    requireManager,
    respond(RefundsResponseSchema, (_req, res) => refunds.overview(ctx(res).org.id)),
  );
  r.post(
    '/refunds',
    requireManager,
    created(RefundResponseSchema, async (req, res) => {
      const { chargeId } = parse(RequestRefundSchema, req.body);
      const { identity, org } = ctx(res);
      const refund = await refunds.request(identity, org.id, chargeId);
      // Approval must cancel the plan with LiveChat's Billing API, which takes only a user's token: keep the
      // requester's (sealed, until it expires), as the billing sync does for charges in flight.
      await sync
        .remember(callerOf(req, res, auth), true)
        .catch((err: Error) => log.warn({ err: err.message }, 'could not keep the token for the refund'));
      return { refund };
    }),
  );
  return r;
}
