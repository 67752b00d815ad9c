import type { Request, Response } from 'express';
import { errors } from '../../lib/errors.ts';
import { bearerToken, ctx } from '../auth/auth.middleware.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { Caller } from './billing.service.ts';

/** The signed-in caller with the LiveChat token the auth middleware already verified (the Billing API needs it). */
export function callerOf(req: Request, res: Response, auth: AuthService): Caller {
  const { identity, org } = ctx(res);
  const token = bearerToken(req);
  if (!token) throw errors.unauthenticated();
  return { organizationId: org.id, accountId: identity.accountId, token, tokenExpiresAt: auth.expiresAt(token) };
}
