import { Router, type NextFunction, type Request, type Response } from 'express';
import { AcceptTermsRequestSchema, AccountSchema, LossPreviewSchema } from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import { blockError } from './access.ts';
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

/**
 * Requests that send messages or buy plans and packages, as the API router sees them (mounted at /api).
 * Other modules' routes are listed here so that one guard covers them all, whatever order they are mounted in.
 */
const GUARDED: { method: string; path: RegExp }[] = [
  { method: 'POST', path: /^\/messages\/?$/ },
  { method: 'POST', path: /^\/campaigns\/[^/]+\/(launch|resume|retry|test-send)\/?$/ },
  { method: 'POST', path: /^\/numbers\/?$/ },
  { method: 'POST', path: /^\/numbers\/[^/]+\/plan\/?$/ },
  { method: 'POST', path: /^\/billing\/packages\/?$/ },
];

export function isGuardedRequest(method: string, path: string): boolean {
  return GUARDED.some((g) => g.method === method && g.path.test(path));
}

/**
 * After authentication: until the owner accepted the terms, while suspended (F.2, J), and once access is lost
 * (C.5, E), nothing can be sent or bought. Answers 403 terms_not_accepted, 409 organization_suspended or 409
 * account_closed, with the reason in words.
 */
export function guardTransactions(lifecycle: LifecycleService) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isGuardedRequest(req.method, req.path)) {
      next();
      return;
    }
    lifecycle
      .blockFor(ctx(res).org.id)
      .then((block) => next(block ? blockError(block) : undefined))
      .catch(next);
  };
}
