import { Router } from 'express';
import { AcceptTermsRequestSchema, AccountSchema, LossPreviewSchema } from '@wa/contracts';
import { created, parse, respond } from '../../lib/http.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import type { LifecycleService } from './lifecycle.service.ts';

/** Account status, terms acceptance, and what uninstalling would take away. */
export function lifecycleRoutes(lifecycle: LifecycleService) {
  const r = Router();
  r.get(
    '/account',
    respond(AccountSchema, (_req, res) => lifecycle.account(ctx(res).org, ctx(res).identity)),
  );
  r.post(
    '/terms/acceptance',
    requireManager,
    created(AccountSchema, (req, res) => lifecycle.acceptTerms(ctx(res).identity, ctx(res).org, parse(AcceptTermsRequestSchema, req.body))),
  );
  r.get(
    '/account/loss-preview',
    requireManager,
    respond(LossPreviewSchema, (_req, res) => lifecycle.lossPreview(ctx(res).org.id)),
  );
  r.post(
    '/account/reactivate',
    requireManager,
    respond(AccountSchema, async (_req, res) => {
      const { identity, org } = ctx(res);
      await lifecycle.reactivate(identity, org.id);
      return lifecycle.account(org, identity);
    }),
  );
  return r;
}
