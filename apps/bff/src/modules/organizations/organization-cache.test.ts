import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { openTestDatabase } from '../../test/test-db.ts';
import { forgetOrganization, OrganizationCache } from './organization-cache.ts';

describe('the organization cache', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('serves the row for its TTL, reloads after it, and drops it at once when this process writes it', async () => {
    let clock = 1_000;
    const cache = new OrganizationCache(database.db, 5_000, 100, () => clock);
    const id = `org-cache-${Date.now()}`;
    expect((await cache.get(id)).status).toBe('active');

    // Changed behind the cache's back (another instance): still the cached row within the TTL...
    await database.query(`update organizations set status = 'suspended' where id = $1`, [id]);
    clock += 4_999;
    expect((await cache.get(id)).status).toBe('active');
    // ...and the fresh row once it has passed.
    clock += 1;
    expect((await cache.get(id)).status).toBe('suspended');

    // Written in this process: the next read is fresh, whatever the TTL.
    await database.query(`update organizations set status = 'active' where id = $1`, [id]);
    forgetOrganization(id);
    expect((await cache.get(id)).status).toBe('active');
  });

  it('shares one read between concurrent first requests, and a TTL of 0 never caches', async () => {
    const id = `org-cache-zero-${Date.now()}`;
    const cache = new OrganizationCache(database.db, 0);
    const rows = await Promise.all(Array.from({ length: 5 }, () => cache.get(id)));
    expect(new Set(rows)).toHaveProperty('size', 1);
    await database.query(`update organizations set status = 'suspended' where id = $1`, [id]);
    expect((await cache.get(id)).status).toBe('suspended');
  });
});
