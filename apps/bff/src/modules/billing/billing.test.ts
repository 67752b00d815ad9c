import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingCredentials, ledgerEntries } from '../../db/schema.ts';
import { BillingClient } from '../../providers/livechat-billing/billing.client.ts';
import { dumpTables, startStack, waitFor, type SandboxOrg, type Stack } from '../../test/stack.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { createLogger } from '../../lib/logger.ts';
import { expectLedgerInvariant } from '../../test/ledger-invariant.ts';
import { BillingSyncService } from './billing-sync.service.ts';
import { BillingService } from './billing.service.ts';
import { DEFAULT_CATALOG, packageChargeName } from './catalog.ts';
import { TokenVault } from './token-vault.ts';

/** A random valid UK landline in E.164, as an owner would connect a new number. */
const freshBusinessNumber = () => `+44207946${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;

describe.each(DB_KINDS)('billing on %s', (kind) => {
  let s: Stack;
  let acme: SandboxOrg;
  let bistro: SandboxOrg;
  let owner: string;
  let agent: string;

  const balance = async (token = owner) => (await s.api(token, '/api/balance')).body.remaining as number;
  const purchases = (orgId: string, chargeId: string) =>
    s.database.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.organizationId, orgId), eq(ledgerEntries.reason, 'purchase'), eq(ledgerEntries.reference, chargeId)));
  const buy = async (packageId: string, token = owner) => {
    const r = await s.api(token, '/api/billing/packages', { body: { packageId } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { bill: { id: string; priceCents: number; status: string }; charge: { id: string; price: number } };
  };
  /** What the host's payment modal does when the owner clicks "Confirm payment" / "Cancel". */
  const modal = (kind: 'direct' | 'recurrent', id: string, action: 'accept' | 'decline') =>
    s.sandboxControl(`/sandbox/billing/${kind}/${id}/${action}`, {});
  const confirm = (id: string, token = owner) => s.api(token, `/api/billing/charges/${id}/confirm`, { method: 'POST' });
  const confirmUntilSettled = (id: string, token = owner) =>
    waitFor(
      () => confirm(id, token),
      (r) => r.status !== 200 || r.body.settled === true,
      30_000,
    );

  beforeAll(async () => {
    s = await startStack(kind);
    [acme, bistro] = s.orgs as [SandboxOrg, SandboxOrg];
    owner = await s.token(acme, 'owner');
    agent = await s.token(acme, 'agent');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('serves the catalog from configuration (F.1)', async () => {
    const r = await s.api(agent, '/api/catalog');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(DEFAULT_CATALOG);
  });

  it('C.2: the owner buys 500 conversations; the balance grows by 500 only once LiveChat says the charge succeeded', async () => {
    const before = await balance();
    const { bill, charge } = await buy('500');
    expect(charge.price).toBe(4900);
    expect(bill.status).toBe('pending');
    // Nothing before the owner approves in the payment modal.
    const early = await confirm(charge.id);
    expect(early.body).toMatchObject({ outcome: 'awaiting_approval', settled: false });
    expect(await balance()).toBe(before);

    await modal('direct', charge.id, 'accept');
    const done = await confirmUntilSettled(charge.id);
    expect(done.body).toMatchObject({ outcome: 'credited', settled: true, bill: { status: 'success', credited: 500 } });
    expect(done.body.message).toMatch(/500 conversations were added/);
    expect(done.body.balance.remaining).toBe(before + 500);
    expect((await s.sandboxControl(`/sandbox/billing/charges/${charge.id}`)).charge.status).toBe('success');
    expect(await purchases(acme.id, charge.id)).toHaveLength(1);
  });

  it('C.6: the price comes from the catalog, never from the client', async () => {
    const r = await s.api(owner, '/api/billing/packages', { body: { packageId: '100', price: 1, conversations: 100000 } });
    expect(r.status).toBe(201);
    expect(r.body.charge.price).toBe(1200);
    expect(r.body.bill).toMatchObject({ priceCents: 1200, conversations: 100 });
    const remote = await s.sandboxControl(`/sandbox/billing/charges/${r.body.charge.id}`);
    expect(remote.charge).toMatchObject({ price: 1200, quantity: 1 });
  });

  it('C.2: 50 parallel confirmations and webhook hints of the same charge credit it once', async () => {
    const before = await balance();
    const { charge } = await buy('500');
    await modal('direct', charge.id, 'accept');
    const hint = () =>
      fetch(`${s.bffUrl}/webhooks/livechat/${s.config.APP_WEBHOOK_SECRET}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'payment_collected', organizationID: acme.id, payload: { paymentID: charge.id, total: 4900 } }),
      });
    const results = await Promise.all([...Array.from({ length: 50 }, () => confirm(charge.id)), ...Array.from({ length: 10 }, hint)]);
    expect(results.every((r) => r.status === 200 || r.status === 202)).toBe(true);
    await confirmUntilSettled(charge.id);
    await Promise.all(Array.from({ length: 20 }, () => confirm(charge.id)));
    expect(await purchases(acme.id, charge.id)).toHaveLength(1);
    expect(await balance()).toBe(before + 500);
  });

  it('C.2: purchases and debits interleaved never leave the balance negative or apart from the sum of the ledger', async () => {
    const orgId = bistro.id;
    const bistroOwner = await s.token(bistro, 'owner');
    const start = await s.services.ledger.balance(orgId);
    const charges = [];
    for (let i = 0; i < 4; i++) charges.push((await buy('100', bistroOwner)).charge.id);
    for (const id of charges) await modal('direct', id, 'accept');
    let lowest = Infinity;
    let apart = 0;
    let watching = true;
    const watcher = (async () => {
      for (let round = 0; watching; round++) {
        lowest = Math.min(lowest, await s.services.ledger.balance(orgId));
        // The account row and the entries, read in one snapshot, agree mid-flight too, not only at the end (sampled:
        // on PGlite every query queues behind the debits on its one connection).
        if (round % 10 === 0) apart += (await s.services.ledger.verify(orgId)).mismatches.length;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    // Debits arrive in waves while the confirmations activate, settle and credit the four charges.
    const debits: Promise<unknown>[] = [];
    const waves = (async () => {
      for (let wave = 0; debits.length < start + 300; wave++) {
        for (let i = 0; i < 25; i++) {
          const key = `test-interleave:${kind}:${debits.length}`;
          debits.push(s.services.ledger.debit({ organizationId: orgId, amount: 1, reason: 'conversation_opened', key }));
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const confirmations = charges.flatMap((id) => Array.from({ length: 5 }, () => confirmUntilSettled(id, bistroOwner)));
    await waves;
    const results = await Promise.allSettled([...debits, ...confirmations]);
    // However slow the machine, every charge ends up settled (a busy CI box may need the extra pass).
    for (const id of charges) await confirmUntilSettled(id, bistroOwner);
    watching = false;
    await watcher;
    const spent = results.slice(0, debits.length).filter((r) => r.status === 'fulfilled').length;
    const final = await s.services.ledger.balance(orgId);
    const entries = await s.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.organizationId, orgId));
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(apart).toBe(0);
    await expectLedgerInvariant(s.database.db, orgId);
    expect(final).toBe(entries.reduce((sum, e) => sum + e.delta, 0));
    expect(final).toBeGreaterThanOrEqual(0);
    expect(final).toBe(start + 400 - spent);
    for (const id of charges) expect(await purchases(orgId, id)).toHaveLength(1);
  });

  it('C.2: a declined payment credits nothing and the owner is told why', async () => {
    const before = await balance();
    const { charge } = await buy('1000');
    await modal('direct', charge.id, 'decline');
    const r = await confirm(charge.id);
    expect(r.body).toMatchObject({ outcome: 'declined', settled: true, bill: { status: 'declined', credited: 0 } });
    expect(r.body.message).toMatch(/declined/);
    expect(await balance()).toBe(before);
    expect(await purchases(acme.id, charge.id)).toHaveLength(0);
  });

  it('C.2: a payment LiveChat fails to collect credits nothing and says so', async () => {
    const before = await balance();
    const { charge } = await buy('100');
    await s.sandboxControl(`/sandbox/billing/direct/${charge.id}/fail`, {});
    await modal('direct', charge.id, 'accept');
    const r = await confirmUntilSettled(charge.id);
    expect(r.body).toMatchObject({ outcome: 'failed', bill: { status: 'failed', credited: 0 } });
    expect(r.body.message).toMatch(/could not collect/);
    expect(await balance()).toBe(before);
  });

  it('C.2: the app webhook alone (re-fetched with the kept token) credits a payment the widget never confirmed', async () => {
    await s.sandboxControl('/sandbox/app-webhook', { url: `${s.bffUrl}/webhooks/livechat/${s.config.APP_WEBHOOK_SECRET}` }, 'PUT');
    try {
      const before = await balance();
      const { charge } = await buy('100');
      await modal('direct', charge.id, 'accept');
      // The widget was closed after the modal: only the background sync activates it, and LiveChat's
      // payment_collected webhook brings the news of success.
      await s.services.billingSync.sweep();
      await waitFor(balance, (b) => b === before + 100);
      const deliveries = await s.sandboxControl<{ deliveries: { body: { payload: { paymentID: string } }; outcome: string }[] }>(
        '/sandbox/app-webhook/deliveries?event=payment_collected',
      );
      expect(deliveries.deliveries.some((d) => d.body.payload.paymentID === charge.id && d.outcome === 'delivered')).toBe(true);
      expect(await purchases(acme.id, charge.id)).toHaveLength(1);
    } finally {
      await s.sandboxControl('/sandbox/app-webhook', { url: '' }, 'PUT');
    }
  });

  it('a forged or wrong-path webhook changes nothing: hints are re-fetched before anything is credited', async () => {
    const before = await balance();
    const { charge } = await buy('500');
    const post = (secret: string, body: unknown) =>
      fetch(`${s.bffUrl}/webhooks/livechat/${secret}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const forged = { event: 'payment_collected', organizationID: acme.id, payload: { paymentID: charge.id, total: 4900 } };
    expect((await post('not-the-secret-0123456789abcdef', forged)).status).toBe(404);
    const hinted = await post(s.config.APP_WEBHOOK_SECRET, forged);
    expect(hinted.status).toBe(200);
    expect(await balance()).toBe(before);
    expect((await s.api(owner, '/api/billing/charges')).body.bills.find((b: { id: string }) => b.id === charge.id).status).toBe('pending');
    // Another organization's id in the hint does not reach this charge either.
    const elsewhere = (await (await post(s.config.APP_WEBHOOK_SECRET, { ...forged, organizationID: bistro.id })).json()) as {
      result: string;
    };
    expect(elsewhere.result).toBe('ignored');
    expect(s.logs.join('\n')).not.toContain(s.config.APP_WEBHOOK_SECRET);
  });

  it('the sync finds a paid package charge nobody told us about, and cancels stale pending ones', async () => {
    const before = await balance();
    const pkg = DEFAULT_CATALOG.packages[0]!;
    const client = new BillingClient(s.sandboxUrl);
    // Created in LiveChat but never recorded by us (as if we crashed right after creating it).
    const lost = await client.createDirectCharge(owner, {
      name: packageChargeName(pkg),
      price: pkg.price,
      quantity: 1,
      returnUrl: s.bffUrl,
      test: false,
    });
    const foreign = await client.createDirectCharge(owner, {
      name: 'Another app’s thing',
      price: 999,
      quantity: 1,
      returnUrl: s.bffUrl,
      test: false,
    });
    await modal('direct', lost.id, 'accept');
    await modal('direct', foreign.id, 'accept');
    const first = await s.services.billingSync.syncOrganization(acme.id, owner);
    expect(first.adopted).toBe(1);
    await waitFor(
      async () => (await s.services.billingSync.syncOrganization(acme.id, owner), balance()),
      (b) => b === before + pkg.conversations,
    );
    const bills = (await s.api(owner, '/api/billing/charges')).body.bills as { id: string; status: string }[];
    expect(bills.find((b) => b.id === lost.id)?.status).toBe('success');
    expect(bills.find((b) => b.id === foreign.id)).toBeUndefined();

    // A package and a plan nobody approved, seen by a sync whose clock says they are past the time limit.
    const abandoned = await buy('100');
    const number = freshBusinessNumber();
    const connected = await s.api(owner, '/api/numbers', {
      body: { number, displayName: 'Abandoned', apiVersion: 'v2', wabaId: 'waba-acme-001', planId: 'starter', billingCycle: 'monthly' },
    });
    expect(connected.status).toBe(201);
    const later = () => new Date(Date.now() + 25 * 3600_000);
    const quiet = createLogger('silent');
    const billing = new BillingService(
      s.database.db,
      s.services.ledger,
      client,
      DEFAULT_CATALOG,
      { returnUrl: s.bffUrl, testCharges: false, pendingTtlMs: 24 * 3600_000 },
      quiet,
      later,
    );
    const sync = new BillingSyncService(
      s.database.db,
      billing,
      client,
      TokenVault.ephemeral(),
      { clientId: s.config.LIVECHAT_CLIENT_ID, testCharges: false },
      quiet,
      later,
    );
    await sync.syncOrganization(acme.id, owner);
    const after = (await s.api(owner, '/api/billing/charges')).body.bills as { id: string; status: string }[];
    expect(after.find((b) => b.id === abandoned.charge.id)?.status).toBe('cancelled');
    expect(after.find((b) => b.id === connected.body.charge.id)?.status).toBe('cancelled');
    expect((await s.sandboxControl(`/sandbox/billing/charges/${connected.body.charge.id}`)).charge.status).toBe('cancelled');
    const n = (await s.api(owner, '/api/numbers')).body.numbers.find((x: { number: string }) => x.number === number);
    expect(n).toMatchObject({ planStatus: 'cancelled', canSend: false });
  });

  it('keeps the sync token sealed, out of the logs, and only while there is something to watch', async () => {
    const bistroOwner = await s.token(bistro, 'owner');
    await s.services.billingSync.sweep(); // settles what is open, then drops tokens no longer needed
    const { charge } = await buy('100', bistroOwner);
    const [cred] = await s.database.db.select().from(billingCredentials).where(eq(billingCredentials.organizationId, bistro.id));
    expect(cred).toBeDefined();
    expect(cred!.tokenCiphertext).not.toContain(bistroOwner);
    expect(JSON.stringify(await dumpTables(s.database))).not.toContain(bistroOwner);
    await modal('direct', charge.id, 'decline');
    // Bistro's plan keeps running, so its token stays while it is valid; with the plan gone it would be dropped.
    await s.services.billingSync.sweep();
    expect((await s.api(bistroOwner, '/api/billing/charges')).body.bills.find((b: { id: string }) => b.id === charge.id).status).toBe(
      'declined',
    );
    const plan = (await s.api(bistroOwner, '/api/billing/charges')).body.bills.find((b: { kind: string }) => b.kind === 'recurrent');
    await s.sandboxControl(`/sandbox/billing/recurrent/${plan.id}/status`, { status: 'cancelled' });
    await s.services.billingSync.sweep();
    const left = await s.database.db.select().from(billingCredentials).where(eq(billingCredentials.organizationId, bistro.id));
    expect(left).toHaveLength(0);
    expect(s.logs.join('\n')).not.toContain(bistroOwner);
    expect(s.logs.join('\n')).not.toContain(owner);
    // Put Bistro's plan back for the tests that follow: a new plan on the same number.
    const numberId = plan.numberId as string;
    const again = await s.api(bistroOwner, `/api/numbers/${numberId}/plan`, { body: { planId: 'standard', billingCycle: 'monthly' } });
    expect(again.status).toBe(201);
    await modal('recurrent', again.body.charge.id, 'accept');
    expect((await confirmUntilSettled(again.body.charge.id, bistroOwner)).body.outcome).toBe('active');
  });

  it('C.1: the owner connects a number and pays its plan; past_due blocks sending; disconnecting cancels the plan', async () => {
    const number = freshBusinessNumber();
    const connect = await s.api(owner, '/api/numbers', {
      body: {
        number: number.replace('+44', '+44 ').replace(/(\d{3})(\d{4})$/, ' $1 $2'),
        displayName: 'Acme Returns',
        apiVersion: 'v2',
        wabaId: 'waba-acme-001',
        planId: 'full',
        billingCycle: 'annual',
      },
    });
    expect(connect.status, JSON.stringify(connect.body)).toBe(201);
    expect(connect.body.number).toMatchObject({
      number,
      planStatus: 'pending',
      canSend: false,
      plan: { planId: 'full', billingCycle: 'annual', priceCents: 49000 },
    });
    expect(connect.body.charge).toMatchObject({ price: 49000, months: 12, status: 'pending' });
    const numberId = connect.body.number.id as string;
    const chargeId = connect.body.charge.id as string;

    await modal('recurrent', chargeId, 'accept');
    const paid = await confirmUntilSettled(chargeId);
    expect(paid.body).toMatchObject({ outcome: 'active', bill: { status: 'active', months: 12 } });
    expect(paid.body.bill.nextChargeAt).not.toBeNull();

    // The owner's Kaleyra console: the number and its callback profile.
    const settings = (await s.api(owner, '/api/numbers/callback-settings')).body;
    expect(settings.statusUrl).toBe(`${s.bffUrl}/webhooks/kaleyra/${acme.id}/status`);
    await s.sandboxControl('/sandbox/kaleyra/numbers', {
      number,
      api_version: 'v2',
      waba_id: 'waba-acme-001',
      display_name: 'Acme Returns',
    });
    await s.sandboxControl(
      `/sandbox/kaleyra/numbers/${encodeURIComponent(number)}/callback-profile`,
      {
        status_url: settings.statusUrl,
        incoming_url: settings.incomingUrl,
        username: settings.username,
        password: settings.password,
      },
      'PUT',
    );
    expect((await s.api(agent, `/api/numbers/${numberId}/templates/sync`, { method: 'POST' })).status).toBe(200);

    const send = (to: string) =>
      s.api(agent, '/api/messages', {
        body: {
          numberId,
          to,
          clientRef: randomUUID(),
          kind: 'template',
          templateName: 'login_code',
          language: 'en_US',
          variables: ['123456'],
        },
      });
    const ok = await send(`+4860${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const usage = (await s.api(owner, '/api/billing/usage?days=7&tz=Europe/Warsaw')).body;
    expect(usage.days).toHaveLength(7);
    expect(usage.days.at(-1).byNumber.find((b: { numberId: string }) => b.numberId === numberId)?.count).toBe(1);
    expect(usage.numbers.find((n: { id: string }) => n.id === numberId)).toMatchObject({ displayName: 'Acme Returns', total: 1 });

    // LiveChat could not renew the plan: the sync notices, and sending from this number stops, with the reason.
    await s.sandboxControl(`/sandbox/billing/recurrent/${chargeId}/status`, { status: 'past_due' });
    await s.services.billingSync.sweep();
    const refused = await send(`+4860${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'number_not_active', detail: expect.stringMatching(/overdue/) });
    const listed = (await s.api(agent, '/api/numbers')).body.numbers.find((n: { id: string }) => n.id === numberId);
    expect(listed).toMatchObject({ planStatus: 'past_due', canSend: false });
    // Several numbers per organization: the seeded one still sends.
    expect((await s.api(agent, '/api/numbers')).body.numbers.filter((n: { canSend: boolean }) => n.canSend).length).toBeGreaterThanOrEqual(
      1,
    );

    await s.sandboxControl(`/sandbox/billing/recurrent/${chargeId}/status`, { status: 'active' });
    await s.services.billingSync.sweep();
    expect((await send(`+4860${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`)).status).toBe(201);

    const gone = await s.api(owner, `/api/numbers/${numberId}`, { method: 'DELETE' });
    expect(gone.status).toBe(200);
    expect(gone.body.number).toMatchObject({ planStatus: 'cancelled', canSend: false });
    expect((await s.sandboxControl(`/sandbox/billing/charges/${chargeId}`)).charge.status).toBe('cancelled');
    expect((await s.api(owner, '/api/numbers')).body.numbers.some((n: { id: string }) => n.id === numberId)).toBe(false);
    // Once disconnected, the same number can be connected again.
    const reconnect = await s.api(owner, '/api/numbers', {
      body: { number, displayName: 'Acme Returns', apiVersion: 'v2', wabaId: 'waba-acme-001', planId: 'starter', billingCycle: 'monthly' },
    });
    expect(reconnect.status).toBe(201);
    await modal('recurrent', reconnect.body.charge.id, 'decline');
    expect((await confirm(reconnect.body.charge.id)).body).toMatchObject({ outcome: 'declined', bill: { status: 'declined' } });
    expect((await s.api(owner, '/api/numbers')).body.numbers.find((n: { number: string }) => n.number === number)).toMatchObject({
      planStatus: 'declined',
      canSend: false,
    });
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
