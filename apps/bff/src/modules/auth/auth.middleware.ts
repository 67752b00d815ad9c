import type { NextFunction, Request, Response } from 'express';
import { errors } from '../../lib/errors.ts';
import type { OrganizationCache } from '../organizations/organization-cache.ts';
import type { OrganizationRow } from '../../db/rows.ts';
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

/**
 * Who is calling, with their organization's row. Both come from in-process caches (the token until it expires,
 * the row for ORG_CACHE_TTL_MS), so a warm request costs no database trip here.
 */
export function authenticate(auth: AuthService, orgs: OrganizationCache) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = bearerToken(req);
      if (!token) throw errors.unauthenticated();
      const identity = await auth.authenticate(token);
      const org = await orgs.get(identity.organizationId);
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
