import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, customer, upload } from './test/campaign-test-kit.ts';
import { DB_KINDS } from './test/test-db.ts';
import { startStack, type Stack } from './test/stack.ts';

/**
 * Every list that grows with the business pages by cursor: each row exactly once in a stable order while rows keep
 * arriving, only the organization's own rows, roles as before, forged cursors refused, and CSV downloads complete.
 */
describe.each(DB_KINDS)('history pages on %s', (kind) => {
  let s: Stack;
  let owner: string;
  let agent: string;
  let bistroOwner: string;
  let acme: string;
  let bistro: string;
  let numberId: string;
  let bistroNumberId: string;

  /** Follows nextCursor to the end; `during` runs alongside each page request. */
  async function walk<T>(
    token: string,
    path: string,
    key: string,
    limit: number,
    during?: (page: number) => Promise<unknown>,
  ): Promise<T[]> {
    const seen: T[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const url: string = `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const [r] = await Promise.all([s.api(token, url), during?.(page)]);
      expect(r.status, url).toBe(200);
      expect(r.body[key].length).toBeLessThanOrEqual(limit);
      seen.push(...r.body[key]);
      cursor = r.body.nextCursor;
      page++;
    } while (cursor);
    expect(page).toBeGreaterThan(1);
    return seen;
  }

  const csvRows = async (token: string, path: string) => {
    const r = await fetch(`${s.bffUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status, path).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    return Papa.parse<Record<string, string>>(await r.text(), { header: true, skipEmptyLines: true }).data;
  };

  const expectBadCursor = async (token: string, path: string) => {
    for (const cursor of ['garbled!', Buffer.from('[1,"x"]').toString('base64url'), Buffer.from('{"id":1}').toString('base64url')]) {
      const r = await s.api(token, `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`);
      expect(r.status, `${path} ${cursor}`).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('query.cursor');
    }
  };

  const expectOnce = (ids: string[], expected: string[]) => {
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
  };

  beforeAll(async () => {
    s = await startStack(kind, { env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    acme = s.orgs[0]!.id;
    bistro = s.orgs[1]!.id;
    owner = await s.token(s.orgs[0]!, 'owner');
    agent = await s.token(s.orgs[0]!, 'agent');
    bistroOwner = await s.token(s.orgs[1]!, 'owner');
    numberId = (await s.api(owner, '/api/numbers')).body.numbers[0].id;
    bistroNumberId = (await s.api(bistroOwner, '/api/numbers')).body.numbers[0].id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('C.3: bills page by cursor, each once, only the organization’s own, and the CSV has them all', async () => {
    const seedBills = (org: string, tag: string, n: number) =>
      s.database.query(
        `insert into charges (id, organization_id, kind, item, name, price_cents, conversations, status, created_at)
         select 'hist-${tag}-' || g, $1, 'direct', 'package:100', '100 WhatsApp conversations', 1200, 100, 'declined',
                timestamptz '2026-02-01T00:00:00Z' + (g / 3) * interval '1 second'
         from generate_series(1, $2::int) g`,
        [org, n],
      );
    await seedBills(acme, 'acme', 130);
    await seedBills(bistro, 'bistro', 20);
    const before = (await s.database.query<{ id: string }>('select id from charges where organization_id = $1', [acme])).map((r) => r.id);
    let added = 0;
    const seen = await walk<{ id: string; createdAt: string }>(agent, '/api/billing/charges', 'bills', 50, async (page) => {
      if (page !== 1) return;
      added++;
      await s.database.query(
        `insert into charges (id, organization_id, kind, item, name, price_cents, status) values ($1, $2, 'direct', 'package:100', 'x', 1200, 'declined')`,
        [`hist-during-${crypto.randomUUID()}`, acme],
      );
    });
    const ids = seen.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of before) expect(ids).toContain(id);
    expect(ids.length - before.length).toBeLessThanOrEqual(added);
    expect(ids.some((id) => id.startsWith('hist-bistro-'))).toBe(false);
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.createdAt >= seen[i]!.createdAt).toBe(true);
    await expectBadCursor(agent, '/api/billing/charges');

    const rows = await csvRows(agent, '/api/billing/charges.csv');
    const all = (await s.database.query<{ id: string }>('select id from charges where organization_id = $1', [acme])).map((r) => r.id);
    expectOnce(
      rows.map((r) => r.charge_id!),
      all,
    );
  });

  it('F.4: opt-outs page by cursor (with and without a search), owners only, and the CSV has them all', async () => {
    const seedOptOuts = (org: string, prefix: string, n: number) =>
      s.database.query(
        `insert into opt_outs (organization_id, recipient, source, reason, created_at)
         select $1, $2 || lpad(g::text, 4, '0'), 'manual', 'history', timestamptz '2026-02-01T00:00:00Z' + (g / 5) * interval '1 second'
         from generate_series(1, $3::int) g`,
        [org, prefix, n],
      );
    await seedOptOuts(acme, '+4860177', 230);
    await seedOptOuts(bistro, '+3933377', 30);
    const listed = async () =>
      (
        await s.database.query<{ recipient: string }>(
          `select recipient from opt_outs where organization_id = $1 and recipient not like 'erased:%'`,
          [acme],
        )
      ).map((r) => r.recipient);
    const before = await listed();
    const seen = await walk<{ recipient: string }>(owner, '/api/opt-outs', 'optOuts', 100, async (page) => {
      if (page === 1) await s.api(owner, '/api/opt-outs', { body: { recipient: '+48601889999', reason: 'arrived during the walk' } });
    });
    const ids = seen.map((o) => o.recipient);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of before) expect(ids).toContain(r);
    expect(ids.some((r) => r.startsWith('+3933377'))).toBe(false);

    const searched = await walk<{ recipient: string }>(owner, `/api/opt-outs?q=${encodeURIComponent('601 770')}`, 'optOuts', 40);
    expectOnce(
      searched.map((o) => o.recipient),
      before.filter((r) => r.replace(/\D/g, '').includes('601770')),
    );
    expect((await s.api(agent, '/api/opt-outs?limit=10')).status).toBe(403);
    expect((await fetch(`${s.bffUrl}/api/opt-outs.csv`, { headers: { authorization: `Bearer ${agent}` } })).status).toBe(403);
    await expectBadCursor(owner, '/api/opt-outs');

    const rows = await csvRows(owner, '/api/opt-outs.csv');
    // Phone cells carry a leading apostrophe so spreadsheets do not read "+48…" as a formula; the import strips it.
    expectOnce(
      rows.map((r) => r.phone!.replace(/^'/, '')),
      await listed(),
    );
    expect(Object.keys(rows[0]!)).toEqual(['phone', 'reason', 'source', 'opted_out_at', 'added_by']);
  });

  it('I: the audit log pages by cursor, owners only, and the CSV has every event', async () => {
    const seedAudit = (org: string, n: number) =>
      s.database.query(
        `insert into audit_events (organization_id, at, actor_type, action, metadata)
         select $1, timestamptz '2026-02-01T00:00:00Z' + (g / 4) * interval '1 millisecond', 'system', 'history.seeded', jsonb_build_object('n', g)
         from generate_series(1, $2::int) g`,
        [org, n],
      );
    await seedAudit(acme, 260);
    await seedAudit(bistro, 15);
    const events = async (org: string) =>
      (await s.database.query<{ id: string }>('select id from audit_events where organization_id = $1', [org])).map((r) => r.id);
    const before = await events(acme);
    const seen = await walk<{ id: string; organizationId: string }>(owner, '/api/audit', 'events', 100, async (page) => {
      if (page === 1)
        await s.database.query(`insert into audit_events (organization_id, actor_type, action) values ($1, 'system', 'history.during')`, [
          acme,
        ]);
    });
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of before) expect(ids).toContain(id);
    expect(seen.every((e) => e.organizationId === acme)).toBe(true);
    expect((await s.api(agent, '/api/audit?limit=10')).status).toBe(403);
    await expectBadCursor(owner, '/api/audit');

    const rows = await csvRows(owner, '/api/audit.csv');
    expect(rows).toHaveLength((await events(acme)).length);
    expect(rows.every((r) => r.organization_id === acme)).toBe(true);
  });

  it('the sidebar’s message history pages by cursor and stays within the organization', async () => {
    const to = customer();
    const seedMessages = (org: string, number: string, n: number) =>
      s.database.query(
        `insert into messages (organization_id, number_id, recipient, kind, template_name, category, status, created_at)
         select $1, $2::uuid, $3, 'template', 'order_shipped', 'utility', 'delivered', timestamptz '2026-02-01T00:00:00Z' + (g / 3) * interval '1 millisecond'
         from generate_series(1, $4::int) g`,
        [org, number, to, n],
      );
    await seedMessages(acme, numberId, 120);
    await seedMessages(bistro, bistroNumberId, 7);
    const seen = await walk<{ id: string; to: string; numberId: string }>(
      agent,
      `/api/messages?to=${encodeURIComponent(to)}`,
      'messages',
      50,
    );
    const mine = (
      await s.database.query<{ id: string }>('select id from messages where organization_id = $1 and recipient = $2', [acme, to])
    ).map((r) => r.id);
    expectOnce(
      seen.map((m) => m.id),
      mine,
    );
    expect(seen.every((m) => m.numberId === numberId)).toBe(true);
    await expectBadCursor(agent, `/api/messages?to=${encodeURIComponent(to)}`);
  });

  it('F.4: campaign recipients page by cursor in file order, each once', async () => {
    const phones = Array.from({ length: 250 }, () => customer());
    const created = await upload(s, owner, { numberId }, csvOf(phones.map((p, i) => [p, `N${i}`, `O${i}`])));
    expect(created.status).toBe(201);
    const id = created.body.campaign.id as string;
    const seen = await walk<{ recipient: string; line: number }>(owner, `/api/campaigns/${id}/recipients`, 'recipients', 100);
    expect(seen.map((r) => r.recipient)).toEqual(phones);
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.line).toBeLessThan(seen[i]!.line);
    expect((await s.api(bistroOwner, `/api/campaigns/${id}/recipients?limit=10`)).status).toBe(404);
    expect((await s.api(agent, `/api/campaigns/${id}/recipients?limit=10`)).status).toBe(403);
    await expectBadCursor(owner, `/api/campaigns/${id}/recipients`);
    const report = await csvRows(owner, `/api/campaigns/${id}/report.csv`);
    expect(report).toHaveLength(250);
  });
});
