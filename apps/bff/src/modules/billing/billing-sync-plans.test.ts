import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingCredentials } from '../../db/schema.ts';
import { BillingClient } from '../../providers/livechat-billing/billing.client.ts';
import { dumpTables, waitFor, type SandboxOrg, type Stack } from '../../test/stack.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { createLogger } from '../../lib/logger.ts';
import { billingSuite, freshBusinessNumber } from '../../test/billing-suite.ts';
import { BillingSyncService } from './billing-sync.service.ts';
import { BillingService } from './billing.service.ts';
import { DEFAULT_CATALOG, packageChargeName } from './catalog.ts';
import { TokenVault } from './token-vault.ts';
import { loginCodeSend } from '../../test/login-code-send.ts';

describe.each(DB_KINDS)('billing on %s', (kind) => {
  let s: Stack;
  let acme: SandboxOrg;
  let bistro: SandboxOrg;
  let owner: string;
  let agent: string;
  const { start, balance, buy, modal, confirm, confirmUntilSettled } = billingSuite(kind);

  beforeAll(async () => {
    ({ s, acme, bistro, owner, agent } = await start());
  });
  afterAll(async () => {
    await s?.close();
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

    const send = (to: string) => s.api(agent, '/api/messages', { body: loginCodeSend(numberId, to) });
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
});
