import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../../db/client.ts';
import { DB_KINDS, openTestDatabase } from '../../test/test-db.ts';
import { SharedRateLimiter } from './rate-limit.ts';

/** Two limiters on one database stand for two instances; each counts its trips to the shared row. */
describe.each(DB_KINDS)('the shared rate limit on %s', (kind) => {
  let database: Database;
  let trips = 0;
  const counted: Pick<Database, 'query'> = {
    query: ((text: string, values?: unknown[]) => {
      trips++;
      return database.query(text, values);
    }) as Database['query'],
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Trips through this wait while `held` is set, as over a slow database; `begun` counts them as they start. */
  let held: Promise<void> | null = null;
  let begun = 0;
  const slow: Pick<Database, 'query'> = {
    query: (async (text: string, values?: unknown[]) => {
      begun++;
      if (held) await held;
      return counted.query(text, values);
    }) as Database['query'],
  };

  const admitted = async (calls: Promise<RateLimiterRes>[]) =>
    (
      await Promise.all(
        calls.map((c) =>
          c.then(
            () => true,
            (err) => (err instanceof RateLimiterRes ? false : Promise.reject(err)),
          ),
        ),
      )
    ).filter(Boolean).length;

  it('L.10: far from the limit, requests cost a trip per chunk; two instances together never pass the limit', async () => {
    const limit = 2_000;
    const [a, b] = [new SharedRateLimiter(counted, limit), new SharedRateLimiter(counted, limit)];
    trips = 0;
    // Far from the limit: a trip counts ten requests ahead.
    expect(await admitted(Array.from({ length: 400 }, (_, i) => (i % 2 ? a : b).consume('org:far')))).toBe(400);
    expect(trips).toBeLessThan(400 / 5);
    // A flood past the limit through both: never more than the limit, and at most a chunk less one lost per instance.
    const more = await admitted(Array.from({ length: 3_000 }, (_, i) => (i % 2 ? a : b).consume('org:far')));
    expect(400 + more).toBeLessThanOrEqual(limit);
    expect(400 + more).toBeGreaterThanOrEqual(limit - 2 * 9);
    // A small budget is counted request by request, exactly.
    const [c, d] = [new SharedRateLimiter(counted, 12), new SharedRateLimiter(counted, 12)];
    expect(await admitted(Array.from({ length: 36 }, (_, i) => (i % 2 ? c : d).consume('org:small')))).toBe(12);
  });

  it('L.10: far from the limit, the next requests are counted before those counted ahead run out, and no request waits', async () => {
    const limiter = new SharedRateLimiter(slow, 10_000);
    trips = begun = 0;
    // The window's first trip counts one request, the second counts ahead.
    await limiter.consume('org:ahead');
    await limiter.consume('org:ahead');
    expect(trips).toBe(2);
    let release = () => {};
    held = new Promise((r) => (release = r));
    // The 49 counted ahead are admitted from memory; the trip counting the next ones begins before they run out.
    for (let i = 0; i < 49; i++) await limiter.consume('org:ahead');
    expect([begun, trips]).toEqual([3, 2]);
    const next = limiter.consume('org:ahead');
    release();
    held = null;
    expect((await next).consumedPoints).toBe(52);
    // The one trip begun before they ran out counted the next request too.
    expect(trips).toBe(3);
  });
});
