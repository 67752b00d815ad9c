import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, waitFor, type SandboxOrg, type Stack } from '../../test/stack.ts';
import { operatorFor } from './operator-auth.ts';
import { auditOf, balanceOf, basic, ops, OPS_TEST_ENV, TEST_OPERATOR } from '../../test/ops-test-kit.ts';

describe('operator credentials', () => {
  const creds = [
    { name: 'alice', secret: 'alice-secret-0123456789abcdefgh' },
    { name: 'bob', secret: 'bob-secret-0123456789abcdefghij' },
  ];
  it('F.2: names the operator only for an exact name and secret', () => {
    expect(operatorFor(basic('alice', creds[0]!.secret), creds)).toBe('alice');
    expect(operatorFor(basic('bob', creds[1]!.secret), creds)).toBe('bob');
    expect(operatorFor(basic('alice', creds[1]!.secret), creds)).toBeNull();
    expect(operatorFor(basic('alice', `${creds[0]!.secret}x`), creds)).toBeNull();
    expect(operatorFor(basic('', ''), creds)).toBeNull();
    expect(operatorFor('Bearer abc', creds)).toBeNull();
    expect(operatorFor(undefined, creds)).toBeNull();
    expect(operatorFor(basic('alice', creds[0]!.secret), [])).toBeNull();
  });
});

describe.each(DB_KINDS)('operator surface on %s', (kind) => {
  let s: Stack;
  let acme: SandboxOrg;
  let bistro: SandboxOrg;
  const byName = (name: string) => s.orgs.find((o) => o.name === name)!;

  beforeAll(async () => {
    s = await startStack(kind, { env: { ...OPS_TEST_ENV, OPS_AUTH_FAILURES_PER_15_MIN: '4' } });
    acme = byName('Acme Shoes');
    bistro = byName('Bistro Verde');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('F.2: lists every business and shows one with balance, numbers, charges and refunds', async () => {
    const list = await ops(s, '/businesses');
    expect(list.status).toBe(200);
    const ids = list.body.businesses.map((b: any) => b.organizationId);
    expect(ids).toEqual(expect.arrayContaining([acme.id, bistro.id]));
    const one = list.body.businesses.find((b: any) => b.organizationId === acme.id);
    expect(one).toMatchObject({ status: 'active', balance: 500, numbers: 1, pendingRefunds: 0, termsVersion: '2024-05-09' });
    const shown = await ops(s, `/businesses/${acme.id}`);
    expect(shown.body.business).toMatchObject({ organizationId: acme.id, balance: 500, installation: 1, timeZone: 'Europe/Warsaw' });
    expect(shown.body.numbers).toHaveLength(1);
    expect(shown.body.charges.map((c: any) => c.kind).sort()).toEqual(['direct', 'recurrent']);
    expect(shown.body.refunds).toEqual([]);
    expect(shown.body.recentAudit.map((e: any) => e.action)).toContain('terms.accepted');
    expect((await ops(s, '/businesses/no-such-business')).status).toBe(404);
    expect((await ops(s, '/businesses?status=suspended')).body.businesses).toEqual([]);
  });

  it('F.2, E.3: termination ends access: conversations forfeited, plans cancelled, numbers disconnected; it cannot be undone by restore', async () => {
    const owner = await s.token(bistro, 'owner');
    await s.api(owner, '/api/me');
    await waitFor(
      () => s.database.query('select 1 from billing_credentials where organization_id = $1', [bistro.id]),
      (r) => r.length === 1,
    );
    const balance = await balanceOf(s, bistro.id);
    const r = await ops(s, `/businesses/${bistro.id}/terminate`, {
      body: { reason: 'repeated violations of the WhatsApp Business Policy' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      changed: true,
      business: { status: 'terminated', balance: 0, numbers: 0 },
      lossOfAccess: { forfeited: balance, numbersDisconnected: 1, plansCancelled: 1, plansPending: 0 },
    });
    expect((await ops(s, `/businesses/${bistro.id}/terminate`, { body: {} })).body.changed).toBe(false);
    expect((await ops(s, `/businesses/${bistro.id}/restore`, { body: {} })).status).toBe(409);
    const account = (await s.api(await s.token(bistro, 'agent'), '/api/account')).body;
    expect(account).toMatchObject({ status: 'terminated', blockedCode: 'account_closed', canSend: false });
    expect(account.blockedReason).toMatch(/terminated by the service operator.*repeated violations/);
    const buy = await s.api(owner, '/api/billing/packages', { body: { packageId: '100' } });
    expect(buy.status).toBe(409);
    expect(buy.body.code).toBe('account_closed');
    expect((await auditOf(s, bistro.id)).find((e) => e.action === 'account.terminated')).toMatchObject({
      actor_type: 'operator',
      metadata: { reason: 'repeated violations of the WhatsApp Business Policy', forfeited: balance },
    });
  });

  it('E.2: a closed LiveChat account loses access the same way', async () => {
    const r = await ops(s, `/businesses/${acme.id}/close`, { body: { cause: 'livechat_account_closed' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ changed: true, business: { status: 'uninstalled', balance: 0 } });
    expect((await ops(s, `/businesses/${acme.id}`)).body.business.lossCause).toBe('livechat_account_closed');
    // No token is kept for Acme: the plan's cancellation is owed and shown to operators, and retried.
    expect(r.body.lossOfAccess.plansPending).toBe(1);
    expect((await ops(s, `/businesses/${acme.id}`)).body.charges.find((c: any) => c.kind === 'recurrent').cancellationPending).toBe(true);
    // Once an owner's token is kept, the retry cancels it.
    await s.services.billingSync.remember(
      { organizationId: acme.id, accountId: 'x', token: await s.token(acme, 'owner'), tokenExpiresAt: Date.now() + 3_600_000 },
      true,
    );
    expect(await s.services.planCancellations.sweep()).toMatchObject({ cancelled: 1, pending: 0 });
    expect((await ops(s, `/businesses/${acme.id}`)).body.charges.find((c: any) => c.kind === 'recurrent')).toMatchObject({
      status: 'cancelled',
      cancellationPending: false,
    });
  });

  it('audit: owners and admins read their own log (agents cannot), operators read all; both export CSV', async () => {
    const owner = await s.token(acme, 'owner');
    const own = await s.api(owner, '/api/audit');
    expect(own.status).toBe(200);
    expect(own.body.events.length).toBeGreaterThan(0);
    expect(own.body.events.every((e: any) => e.organizationId === acme.id)).toBe(true);
    expect(own.body.events[0].at >= own.body.events.at(-1).at).toBe(true);
    expect((await s.api(await s.token(acme, 'agent'), '/api/audit')).status).toBe(403);
    const csv = await fetch(`${s.bffUrl}/api/audit.csv`, { headers: { authorization: `Bearer ${owner}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split(/\r?\n/)[0]).toBe('time,organization_id,actor_type,actor,action,target_type,target_id,metadata');
    expect(text).toContain('account.livechat_closed');
    expect(text).not.toContain(bistro.id);

    const all = await ops(s, '/audit?limit=1000');
    const orgs = new Set(all.body.events.map((e: any) => e.organizationId));
    expect(orgs.has(acme.id) && orgs.has(bistro.id)).toBe(true);
    expect((await ops(s, `/audit?organizationId=${bistro.id}`)).body.events.every((e: any) => e.organizationId === bistro.id)).toBe(true);
    const opsCsv = await ops(s, '/audit.csv');
    expect(opsCsv.headers.get('content-type')).toContain('text/csv');
    expect(opsCsv.body).toContain(bistro.id);
  });

  it('G: no LiveChat token or operator secret reaches the logs or the audit log', async () => {
    const token = await s.token(acme, 'owner');
    await s.api(token, '/api/audit');
    await ops(s, '/businesses');
    const audit = JSON.stringify(await s.database.query('select * from audit_events'));
    for (const secret of [token, TEST_OPERATOR.secret, basic(TEST_OPERATOR.name, TEST_OPERATOR.secret)]) {
      expect(audit).not.toContain(secret);
      expect(s.logs.join('\n')).not.toContain(secret);
    }
  });

  it('F.2: /ops takes operator credentials, never a LiveChat token, and rate-limits failed sign-ins', async () => {
    const none = await ops(s, '/businesses', { authorization: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic');
    const ownerToken = await s.token(acme, 'owner');
    expect((await ops(s, '/businesses', { authorization: `Bearer ${ownerToken}` })).status).toBe(401);
    expect((await ops(s, '/businesses', { authorization: basic(TEST_OPERATOR.name, 'wrong-secret-0123456789abcdefghij') })).status).toBe(
      401,
    );
    // Successful requests do not count against the limit.
    for (let i = 0; i < 5; i++) expect((await ops(s, '/businesses')).status).toBe(200);
    expect((await ops(s, '/businesses', { authorization: basic('mallory', 'x') })).status).toBe(401);
    const limited = await ops(s, '/businesses', { authorization: basic('mallory', 'y') });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    // Past the limit, even the right credentials wait out the window.
    expect((await ops(s, '/businesses')).status).toBe(429);
  });
});

describe('without configured operators', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack('pglite', { seed: false });
  });
  afterAll(async () => {
    await s?.close();
  });
  it('F.2: there is no /ops at all', async () => {
    expect((await ops(s, '/businesses')).status).toBe(404);
    expect((await ops(s, '/businesses', { authorization: null })).status).toBe(404);
  });
});
