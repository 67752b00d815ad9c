import type { NextFunction, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ErrorCode } from '@wa/contracts';
import { DomainError } from '../../lib/errors.ts';
import type { Db } from '../../db/client.ts';
import { errors } from '../../lib/errors.ts';
import { ensureOrganization, type OrganizationRow } from '../organizations/organizations.repo.ts';
import type { AuthService, Identity } from './auth.service.ts';

export interface RequestContext {
  identity: Identity;
  org: OrganizationRow;
}

/** The authenticated caller. Every tenant-scoped query takes its organization id from here, never from input. */
export function ctx(res: Response): RequestContext {
  const c = res.locals.ctx as RequestContext | undefined;
  if (!c) throw errors.unauthenticated();
  return c;
}

/** The LiveChat access token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(req: Request): string | null {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

export function authenticate(auth: AuthService, db: Db) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = bearerToken(req);
      if (!token) throw errors.unauthenticated();
      const identity = await auth.authenticate(token);
      const org = await ensureOrganization(db, identity.organizationId);
      res.locals.ctx = { identity, org } satisfies RequestContext;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Owners and admins only. */
export function requireManager(_req: Request, res: Response, next: NextFunction) {
  const { identity } = ctx(res);
  if (identity.role === 'agent') {
    next(errors.forbidden('Only the owner or an administrator of your LiveChat organization can do this.'));
    return;
  }
  next();
}

/**
 * Per-organization request budget, after authentication so one tenant cannot exhaust another's.
 * The counter lives in this instance; with N instances behind a balancer the effective limit is
 * about N times the setting.
 */
export function organizationRateLimit(perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => `org:${ctx(res).org.id}`,
    handler: (_req, _res, next) =>
      next(new DomainError(429, ErrorCode.rateLimited, 'Too many requests', 'Your organization sent too many requests. Wait a minute and try again.')),
  });
}
