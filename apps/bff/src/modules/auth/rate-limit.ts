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

/** The part of a limiter the middleware uses. */
export interface OrganizationLimiter {
  readonly points: number;
  consume(key: string): Promise<RateLimiterRes>;
}

/** Requests left in the window below which every request is counted in the shared row on its own. */
const EXACT_MARGIN_MIN = 50;
const EXACT_MARGIN_SHARE = 0.1;
/** At most this many requests counted ahead in one trip. */
const CHUNK_MAX = 50;

interface Prepaid {
  /** Requests this instance counted in the shared row ahead of time and has not admitted yet. */
  left: number;
  /** The shared counter as the last trip returned it. */
  known: number;
  windowEndsAt: number;
}

/**
 * Per-organization request budget shared by every instance: one counter row per organization and minute in
 * PostgreSQL (or PGlite), changed by atomic upserts, so N instances together allow `perMinute`, not N times it.
 *
 * Far from the limit, an instance counts a few requests ahead in one trip (a two-hundredth of the budget, at most
 * CHUNK_MAX) and admits the next ones from memory, counting the following ones in the background before those run
 * out; within `margin` of the limit, every request is counted on its own. Every admitted request was counted in the shared row before it was admitted, so the instances together
 * never pass the limit. Tolerance: requests counted ahead and not used by the end of the window are lost, at
 * most a chunk less one per instance and minute. Once an organization is over its budget, this instance refuses
 * it from memory until the window ends, so a flood costs no database trips.
 */
export class SharedRateLimiter implements OrganizationLimiter {
  private readonly store: RateLimiterPostgres;
  private readonly prepaid = new Map<string, Prepaid>();
  /** A trip that counts ahead (or opens a window), per organization: requests arriving meanwhile wait for it. */
  private readonly trips = new Map<string, Promise<unknown>>();
  readonly margin: number;
  private readonly chunk: number;
  /** Requests left from a count ahead at which the next count starts in the background (0: only on demand). */
  private readonly lowWater: number;

  constructor(
    database: Pick<Database, 'query'>,
    readonly points: number,
    private readonly now: () => number = Date.now,
  ) {
    // rate-limiter-flexible speaks node-postgres' `query({ text, values })`; Database.query serves both engines.
    const storeClient = {
      async query(q: { text: string; values?: unknown[] }) {
        const rows = await database.query(q.text, q.values);
        return { rows, rowCount: rows.length };
      },
    };
    this.store = new RateLimiterPostgres({
      storeClient,
      storeType: 'client',
      tableName: TABLE,
      tableCreated: true,
      keyPrefix: KEY_PREFIX,
      points,
      duration: WINDOW_SECONDS,
      inMemoryBlockOnConsumed: points + 1,
    });
    this.margin = Math.max(EXACT_MARGIN_MIN, Math.ceil(points * EXACT_MARGIN_SHARE));
    this.chunk = Math.max(1, Math.min(CHUNK_MAX, Math.floor(points / 200)));
    this.lowWater = Math.floor(this.chunk / 5);
  }

  async consume(key: string): Promise<RateLimiterRes> {
    for (;;) {
      const at = this.now();
      const p = this.prepaid.get(key);
      if (p && p.left > 0 && at < p.windowEndsAt) {
        p.left--;
        const admitted = new RateLimiterRes(this.points - p.known + p.left, p.windowEndsAt - at, p.known - p.left, false);
        if (p.left <= this.lowWater && !this.trips.has(key) && this.points - p.known > this.margin + this.chunk) this.refill(key, p, at);
        return admitted;
      }
      const trip = this.trips.get(key);
      if (trip) {
        await trip.catch(() => {});
        continue;
      }
      // Count ahead only while far from the limit (as last seen); near it, one request per trip.
      const fresh = p && at < p.windowEndsAt;
      const ahead = fresh && this.points - p.known > this.margin + this.chunk ? this.chunk - 1 : 0;
      const counted = this.store.consume(key, 1 + ahead).then(
        (res) => {
          this.prepaid.set(key, { left: ahead, known: res.consumedPoints, windowEndsAt: at + res.msBeforeNext });
          return new RateLimiterRes(
            this.points - res.consumedPoints + ahead,
            res.msBeforeNext,
            res.consumedPoints - ahead,
            res.isFirstInDuration,
          );
        },
        (err: unknown) => {
          if (err instanceof RateLimiterRes)
            this.prepaid.set(key, { left: 0, known: err.consumedPoints, windowEndsAt: at + err.msBeforeNext });
          throw err;
        },
      );
      if (this.prepaid.size >= 10_000 && !p) this.prepaid.clear();
      // The first trip of a window tells the others how far the limit is: they wait for it.
      if (!ahead && fresh) return counted;
      this.trips.set(key, counted);
      try {
        return await counted;
      } finally {
        this.trips.delete(key);
      }
    }
  }

  /**
   * Few of the requests counted ahead are left, far from the limit: the next ones are counted now, while those
   * few are admitted from memory, so no request waits for this trip. At most a chunk less one is held, as when
   * counting ahead on demand; a request that finds none left waits for the trip, as for any other.
   */
  private refill(key: string, p: Prepaid, at: number) {
    const ahead = this.chunk - 1 - p.left;
    if (ahead <= 0) return;
    const trip = this.store.consume(key, ahead).then(
      (res) => {
        if (this.prepaid.get(key) !== p) return;
        // A new window began: what was held belonged to the last one.
        if (res.isFirstInDuration) this.prepaid.set(key, { left: ahead, known: res.consumedPoints, windowEndsAt: at + res.msBeforeNext });
        else Object.assign(p, { left: p.left + ahead, known: res.consumedPoints });
      },
      (err: unknown) => {
        // Over the limit: nothing more is admitted from memory once what is held is used. Any other failure
        // reaches the next request that finds none left, through its own trip.
        if (err instanceof RateLimiterRes && this.prepaid.get(key) === p) p.known = err.consumedPoints;
      },
    );
    this.trips.set(key, trip);
    void trip.finally(() => {
      if (this.trips.get(key) === trip) this.trips.delete(key);
    });
  }
}

export function sharedRateLimiter(database: Pick<Database, 'query'>, perMinute: number): SharedRateLimiter {
  return new SharedRateLimiter(database, perMinute);
}

/** After authentication, so one tenant cannot exhaust another's budget. */
export function organizationRateLimit(limiter: OrganizationLimiter) {
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
