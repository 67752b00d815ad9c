import type { NextFunction, Request, Response } from 'express';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode } from '@wa/contracts';
import type { Database } from '../../db/client.ts';
import { DomainError } from '../../lib/errors.ts';
import { ctx } from './auth.middleware.ts';

/** The table the migration creates (unlogged); keys are `org:<organization id>`. */
const TABLE = 'api_rate_limits';
const KEY_PREFIX = 'org';
const WINDOW_SECONDS = 60;

/**
 * Per-organization request budget shared by every instance: one counter row per organization and minute in
 * PostgreSQL (or PGlite), changed by one atomic upsert, so N instances together allow `perMinute`, not N times it.
 * Once an organization is over its budget, this instance refuses it from memory until the window ends, so a
 * flood costs no database trips.
 */
export function sharedRateLimiter(database: Pick<Database, 'query'>, perMinute: number): RateLimiterPostgres {
  // rate-limiter-flexible speaks node-postgres' `query({ text, values })`; Database.query serves both engines.
  const storeClient = {
    async query(q: { text: string; values?: unknown[] }) {
      const rows = await database.query(q.text, q.values);
      return { rows, rowCount: rows.length };
    },
  };
  return new RateLimiterPostgres({
    storeClient,
    storeType: 'client',
    tableName: TABLE,
    tableCreated: true,
    keyPrefix: KEY_PREFIX,
    points: perMinute,
    duration: WINDOW_SECONDS,
    inMemoryBlockOnConsumed: perMinute + 1,
  });
}

/** After authentication, so one tenant cannot exhaust another's budget. */
export function organizationRateLimit(limiter: RateLimiterPostgres) {
  const policy = `"org";q=${limiter.points};w=${WINDOW_SECONDS}`;
  return (_req: Request, res: Response, next: NextFunction) => {
    const key = ctx(res).org.id;
    const headers = (r: RateLimiterRes) => {
      res.setHeader('RateLimit-Policy', policy);
      res.setHeader('RateLimit', `"org";r=${r.remainingPoints};t=${Math.ceil(r.msBeforeNext / 1000)}`);
    };
    limiter.consume(key).then(
      (r) => {
        headers(r);
        next();
      },
      (err: unknown) => {
        if (!(err instanceof RateLimiterRes)) {
          next(err);
          return;
        }
        headers(err);
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.msBeforeNext / 1000))));
        next(
          new DomainError(
            ErrorCode.rateLimited,
            'Too many requests',
            'Your organization sent too many requests. Wait a minute and try again.',
          ),
        );
      },
    );
  };
}
