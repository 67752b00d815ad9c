import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpTables, type SandboxOrg, type Stack } from '../../test/stack.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { billingSuite, freshBusinessNumber } from '../../test/billing-suite.ts';

describe.each(DB_KINDS)('billing on %s', (kind) => {
  let s: Stack;
  let acme: SandboxOrg;
  let bistro: SandboxOrg;
  let owner: string;
  let agent: string;
  const { start, balance, purchases, buy } = billingSuite(kind);

  beforeAll(async () => {
    ({ s, acme, bistro, owner, agent } = await start());
  });
  afterAll(async () => {
    await s?.close();
  });

  it('bad input gets problem+json naming the field, and nothing is written', async () => {
    // Let earlier sends' delivery callbacks land first: only this test's requests may change nothing.
    const quiet = async () => {
      let prev = JSON.stringify(await dumpTables(s.database));
      for (;;) {
        await new Promise((r) => setTimeout(r, 300));
        const next = JSON.stringify(await dumpTables(s.database));
        if (next === prev) return next;
        prev = next;
      }
    };
    const before = await quiet();
    const remoteBefore = await s.sandboxControl<{ direct: unknown[]; recurrent: unknown[] }>('/sandbox/billing/charges');
    const seeded = acme.whatsapp_numbers[0]!.number;
    const cases: [string, unknown, number, string][] = [
      ['/api/billing/packages', { packageId: '250' }, 400, 'packageId'],
      ['/api/billing/packages', {}, 400, 'packageId'],
      [
        '/api/numbers',
        { number: '12345', displayName: 'X', apiVersion: 'v2', wabaId: 'w', planId: 'standard', billingCycle: 'monthly' },
        400,
        'number',
      ],
      [
        '/api/numbers',
        { number: '+48 22 123', displayName: 'X', apiVersion: 'v2', wabaId: 'w', planId: 'gold', billingCycle: 'monthly' },
        400,
        'planId',
      ],
      [
        '/api/numbers',
        { number: seeded, displayName: 'Dup', apiVersion: 'v2', wabaId: 'w', planId: 'standard', billingCycle: 'monthly' },
        409,
        'number',
      ],
      [
        '/api/numbers',
        {
          number: bistro.whatsapp_numbers[0]!.number,
          displayName: 'Theirs',
          apiVersion: 'v1',
          wabaId: 'w',
          planId: 'standard',
          billingCycle: 'monthly',
        },
        409,
        'number',
      ],
      [
        '/api/numbers',
        { number: '+48221234568', displayName: 'X', apiVersion: 'v3', wabaId: 'w', planId: 'standard', billingCycle: 'weekly' },
        400,
        'apiVersion',
      ],
    ];
    for (const [path, body, status, field] of cases) {
      const r = await s.api(owner, path, { body });
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    const threshold = await s.api(owner, '/api/balance/low-balance-threshold', { method: 'PUT', body: { threshold: -5 } });
    expect(threshold.status).toBe(400);
    expect(threshold.body.errors[0].path).toBe('threshold');
    expect(JSON.stringify(await dumpTables(s.database))).toBe(before);
    const remoteAfter = await s.sandboxControl<{ direct: unknown[]; recurrent: unknown[] }>('/sandbox/billing/charges');
    expect(remoteAfter.direct).toHaveLength(remoteBefore.direct.length);
    expect(remoteAfter.recurrent).toHaveLength(remoteBefore.recurrent.length);
  });

  it('agents see balance, bills and history but cannot buy, connect, disconnect or change settings (403)', async () => {
    const numberId = (await s.api(agent, '/api/numbers')).body.numbers[0].id;
    const { charge } = await buy('100');
    const remoteBefore = (await s.sandboxControl<{ direct: unknown[] }>('/sandbox/billing/charges')).direct.length;
    const attempts: [string, string, unknown?][] = [
      ['POST', '/api/billing/packages', { packageId: '500' }],
      ['POST', `/api/billing/charges/${charge.id}/confirm`],
      [
        'POST',
        '/api/numbers',
        { number: freshBusinessNumber(), displayName: 'X', apiVersion: 'v2', wabaId: 'w', planId: 'standard', billingCycle: 'monthly' },
      ],
      ['POST', `/api/numbers/${numberId}/plan`, { planId: 'full', billingCycle: 'monthly' }],
      ['DELETE', `/api/numbers/${numberId}`],
      ['PUT', '/api/balance/low-balance-threshold', { threshold: 10 }],
      ['GET', '/api/numbers/callback-settings'],
    ];
    for (const [method, path, body] of attempts) {
      const r = await s.api(agent, path, { method, ...(body === undefined ? {} : { body }) });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
    expect((await s.sandboxControl<{ direct: unknown[] }>('/sandbox/billing/charges')).direct.length).toBe(remoteBefore);
    for (const path of [
      '/api/catalog',
      '/api/balance',
      '/api/ledger',
      '/api/billing/charges',
      '/api/billing/charges.csv',
      '/api/billing/usage',
    ]) {
      expect((await s.api(agent, path)).status, path).toBe(200);
    }
  });

  it('C.3: the bills CSV lists every charge and matches the ledger', async () => {
    const r = await fetch(`${s.bffUrl}/api/billing/charges.csv`, { headers: { authorization: `Bearer ${owner}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="?whatsapp-bills-\d{4}-\d{2}-\d{2}\.csv/);
    const rows = Papa.parse<Record<string, string>>(await r.text(), { header: true, skipEmptyLines: true }).data;
    const bills = (await s.api(owner, '/api/billing/charges')).body.bills as {
      id: string;
      priceCents: number;
      status: string;
      credited: number;
    }[];
    expect(rows.map((x) => x.charge_id)).toEqual(bills.map((b) => b.id));
    for (const b of bills) {
      const row = rows.find((x) => x.charge_id === b.id)!;
      expect(row.price).toBe((b.priceCents / 100).toFixed(2));
      expect(row.status).toBe(b.status);
      expect(Number(row.credited_conversations)).toBe((await purchases(acme.id, b.id)).reduce((sum, e) => sum + e.delta, 0));
    }
    const ledger = (await s.api(owner, '/api/ledger')).body.entries as { reason: string; delta: number }[];
    const purchased = ledger.filter((e) => e.reason === 'purchase').reduce((sum, e) => sum + e.delta, 0);
    expect(rows.reduce((sum, x) => sum + Number(x.credited_conversations), 0)).toBe(purchased);
  });

  it('C.3: below the owner-set threshold the balance is low; agents cannot change it', async () => {
    const remaining = await balance();
    const set = await s.api(owner, '/api/balance/low-balance-threshold', { method: 'PUT', body: { threshold: remaining + 1 } });
    expect(set.body).toMatchObject({ lowBalanceThreshold: remaining + 1, low: true });
    expect((await s.api(agent, '/api/balance')).body.low).toBe(true);
    const off = await s.api(owner, '/api/balance/low-balance-threshold', { method: 'PUT', body: { threshold: null } });
    expect(off.body).toMatchObject({ lowBalanceThreshold: null, low: false });
  });
});
