import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ErrorCode } from '@wa/contracts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';

export interface OperatorCredential {
  name: string;
  secret: string;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The operator named by a `Basic name:secret` header, or null. Every configured credential is compared, in
 * constant time (equal-length digests), whatever matches first: the time taken says nothing about which part
 * of which credential was wrong.
 */
export function operatorFor(header: string | undefined, credentials: readonly OperatorCredential[]): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  let decoded = '';
  if (m?.[1]) decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  const name = digest(i > 0 ? decoded.slice(0, i) : '');
  const secret = digest(i > 0 ? decoded.slice(i + 1) : '');
  let found: string | null = null;
  for (const c of credentials) {
    const nameOk = timingSafeEqual(name, digest(c.name));
    const secretOk = timingSafeEqual(secret, digest(c.secret));
    if (nameOk && secretOk && found === null) found = c.name;
  }
  return found;
}

/** The signed-in operator's name (set by `operatorAuth`). */
export function operatorOf(res: Response): string {
  const name = res.locals.operator as string | undefined;
  if (!name) throw errors.unauthenticated('Operator credentials required.');
  return name;
}

/**
 * /ops authentication: operator credentials from configuration (OPS_CREDENTIALS), never LiveChat tokens. Failed
 * attempts are counted per client address; past the limit every request from it gets 429 for the rest of the
 * 15-minute window. With no operators configured the surface does not exist (404).
 */
export function operatorAuth(credentials: readonly OperatorCredential[], failuresPer15Min: number, log: Logger) {
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: failuresPer15Min,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Only failures count: a request that authenticated is taken off the count when it finishes.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => typeof res.locals.operator === 'string',
    handler: (_req, _res, next) =>
      next(
        new DomainError(
          ErrorCode.rateLimited,
          'Too many requests',
          'Too many failed operator sign-ins from this address. Wait 15 minutes.',
        ),
      ),
  });
  const check = (req: Request, res: Response, next: NextFunction) => {
    const name = operatorFor(req.headers.authorization, credentials);
    if (!name) {
      log.warn({ path: req.path }, 'operator authentication failed');
      res.setHeader('WWW-Authenticate', 'Basic realm="ops", charset="UTF-8"');
      next(errors.unauthenticated('Operator credentials required.'));
      return;
    }
    res.locals.operator = name;
    next();
  };
  return [
    (_req: Request, _res: Response, next: NextFunction) => next(credentials.length ? undefined : errors.notFound('The page')),
    limiter,
    check,
  ];
}
