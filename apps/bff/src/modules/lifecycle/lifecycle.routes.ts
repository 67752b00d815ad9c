import { Router } from 'express';
import { AcceptTermsRequestSchema, AccountSchema, LossPreviewSchema } from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import type { LifecycleService } from './lifecycle.service.ts';

/** Account status, terms acceptance, and what uninstalling would take away. */
export function lifecycleRoutes(lifecycle: LifecycleService) {
  const r = Router();
  r.get(
    '/account',
    handle(async (_req, res) => {
      const { identity, org } = ctx(res);
      res.json(AccountSchema.parse(await lifecycle.account(org, identity)));
    }),
  );
  r.post(
    '/terms/acceptance',
    requireManager,
    handle(async (req, res) => {
      const body = parse(AcceptTermsRequestSchema, req.body);
      const { identity, org } = ctx(res);
      res.status(201).json(AccountSchema.parse(await lifecycle.acceptTerms(identity, org, body)));
    }),
  );
  r.get(
    '/account/loss-preview',
    requireManager,
    handle(async (_req, res) => {
      res.json(LossPreviewSchema.parse(await lifecycle.lossPreview(ctx(res).org.id)));
    }),
  );
  r.post(
    '/account/reactivate',
    requireManager,
    handle(async (_req, res) => {
      const { identity, org } = ctx(res);
      await lifecycle.reactivate(identity, org.id);
      res.json(AccountSchema.parse(await lifecycle.account(org, identity)));
    }),
  );
  return r;
}
