import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerEntries } from '../../db/schema.ts';
import { waitFor, type SandboxOrg, type Stack } from '../../test/stack.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { expectLedgerInvariant } from '../../test/ledger-invariant.ts';
import { billingSuite } from '../../test/billing-suite.ts';
import { DEFAULT_CATALOG } from './catalog.ts';

describe.each(DB_KINDS)('billing on %s', (kind) => {
  let s: Stack;
  let acme: SandboxOrg;
  let bistro: SandboxOrg;
  let owner: string;
  let agent: string;
  const { start, balance, purchases, buy, modal, confirm, confirmUntilSettled } = billingSuite(kind);

  beforeAll(async () => {
    ({ s, acme, bistro, owner, agent } = await start());
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
});
