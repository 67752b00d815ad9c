import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '@wa/contracts';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, type Stack } from '../../test/stack.ts';

const SEEDED = 1_200;

/**
 * Seeds ledger rows straight into the database, as a long-lived business's history would be. Rows come in groups of
 * four within one millisecond: three share the exact same timestamp (ties broken by id) and the fourth is one
 * microsecond later (a millisecond cursor would lose it).
 */
async function seedLedger(s: Stack, organizationId: string, count: number, tag: string) {
  await s.database.query(
    `insert into ledger_entries (organization_id, delta, reason, idempotency_key, reference, created_at)
     select $1, 1, 'operator_credit', $1 || ':history-${tag}:' || g, 'history-${tag}',
            timestamptz '2026-01-01T00:00:00Z' + (g / 4) * interval '1 millisecond'
              + case when g % 4 = 3 then interval '1 microsecond' else interval '0' end
     from generate_series(1, $2::int) g`,
    [organizationId, count],
  );
}

interface Entry {
  id: string;
  createdAt: string;
}

describe.each(DB_KINDS)('ledger history pages on %s', (kind) => {
  let s: Stack;
  let agent: string;
  let bistroAgent: string;
  let acme: string;
  let bistro: string;

  const walk = async (token: string, limit: number, between?: (page: number) => Promise<unknown>) => {
    const seen: Entry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/api/ledger?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const [r] = await Promise.all([s.api(token, path), between?.(pages)]);
      expect(r.status, path).toBe(200);
      expect(r.body.entries.length).toBeLessThanOrEqual(limit);
      seen.push(...r.body.entries);
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    return { seen, pages };
  };

  beforeAll(async () => {
    s = await startStack(kind);
    acme = s.orgs[0]!.id;
    bistro = s.orgs[1]!.id;
    agent = await s.token(s.orgs[0]!, 'agent');
    bistroAgent = await s.token(s.orgs[1]!, 'agent');
    await s.api(agent, '/api/me');
    await s.api(bistroAgent, '/api/me');
    await seedLedger(s, acme, SEEDED, 'acme');
    await seedLedger(s, bistro, 300, 'bistro');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('C.3: walks every entry exactly once, newest first, in a stable order, while new entries arrive', async () => {
    const before = await s.database.query<{ id: string }>('select id from ledger_entries where organization_id = $1', [acme]);
    expect(before.length).toBeGreaterThan(SEEDED);
    let added = 0;
    const { seen, pages } = await walk(agent, 100, async (page) => {
      // Another business activity lands between and during page reads.
      if (page % 3 !== 1) return;
      added += 5;
      await s.database.query(
        `insert into ledger_entries (organization_id, delta, reason, idempotency_key, created_at)
         select $1, -1, 'conversation_opened', $1 || ':during-walk:' || $2 || ':' || g, now() from generate_series(1, 5) g`,
        [acme, page],
      );
    });
    expect(pages).toBeGreaterThanOrEqual(13);
    expect(added).toBeGreaterThan(0);
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { id } of before) expect(ids).toContain(id);
    // Entries written during the walk are newer than where the walk stood: none can have been interleaved.
    const walkedIds = new Set(ids);
    const beforeIds = new Set(before.map((r) => r.id));
    expect([...walkedIds].filter((id) => !beforeIds.has(id)).length).toBeLessThanOrEqual(added);
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.createdAt >= seen[i]!.createdAt).toBe(true);

    const again = await walk(agent, 500);
    const now = await s.database.query<{ id: string }>('select id from ledger_entries where organization_id = $1', [acme]);
    expect(again.seen.map((e) => e.id).sort()).toEqual(now.map((r) => r.id).sort());
    // The same rows in the same order whatever the page size.
    const firstWalkOrder = ids.filter((id) => beforeIds.has(id));
    expect(again.seen.map((e) => e.id).filter((id) => beforeIds.has(id))).toEqual(firstWalkOrder);
  });

  it('another organization never sees these entries, even with their cursor', async () => {
    const acmeIds = new Set(
      (await s.database.query<{ id: string }>('select id from ledger_entries where organization_id = $1', [acme])).map((r) => r.id),
    );
    const { seen } = await walk(bistroAgent, 200);
    const bistroCount = (
      await s.database.query<{ n: string }>('select count(*)::text as n from ledger_entries where organization_id = $1', [bistro])
    )[0]!.n;
    expect(seen).toHaveLength(Number(bistroCount));
    expect(seen.some((e) => acmeIds.has(e.id))).toBe(false);
    const acmeCursor = (await s.api(agent, '/api/ledger?limit=10')).body.nextCursor as string;
    const crossed = await s.api(bistroAgent, `/api/ledger?limit=200&cursor=${acmeCursor}`);
    expect(crossed.status).toBe(200);
    expect(crossed.body.entries.some((e: Entry) => acmeIds.has(e.id))).toBe(false);
  });

  it('a forged or garbled cursor is a 400 naming the field, never a database error', async () => {
    const forged = [
      'not a cursor',
      'bm90LWpzb24',
      encodeCursor(['yesterday', crypto.randomUUID()]),
      encodeCursor(['1767225600000000', "x') or 1=1 --"]),
      encodeCursor(['1767225600000000']),
      Buffer.from(JSON.stringify([2, '1767225600000000', crypto.randomUUID()])).toString('base64url'),
      'A'.repeat(600),
    ];
    for (const cursor of forged) {
      const r = await s.api(agent, `/api/ledger?cursor=${encodeURIComponent(cursor)}`);
      expect(r.status, cursor).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('query.cursor');
    }
    expect((await s.api(agent, '/api/ledger?limit=501')).status).toBe(400);
    expect((await s.api(agent, '/api/ledger?limit=0')).status).toBe(400);
  });

  it('C.3: the CSV download holds every entry of the organization and nothing else', async () => {
    const r = await fetch(`${s.bffUrl}/api/ledger.csv`, { headers: { authorization: `Bearer ${agent}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="?whatsapp-ledger-\d{4}-\d{2}-\d{2}\.csv/);
    const rows = Papa.parse<Record<string, string>>(await r.text(), { header: true, skipEmptyLines: true }).data;
    const db = await s.database.query<{ id: string; delta: number }>('select id, delta from ledger_entries where organization_id = $1', [
      acme,
    ]);
    expect(rows.map((x) => x.entry_id).sort()).toEqual(db.map((x) => x.id).sort());
    expect(rows.reduce((sum, x) => sum + Number(x.delta), 0)).toBe(db.reduce((sum, x) => sum + Number(x.delta), 0));
    expect(Object.keys(rows[0]!)).toEqual(['time', 'entry_id', 'delta', 'reason', 'reference', 'number_id']);
  });
});
