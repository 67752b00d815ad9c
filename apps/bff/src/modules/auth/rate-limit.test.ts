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
});
