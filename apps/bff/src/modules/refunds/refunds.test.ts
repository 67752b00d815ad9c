import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, balanceOf, ledgerOf, ops, OPS_TEST_ENV } from '../../test/ops-test-kit.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, waitFor, type SandboxOrg, type Stack } from '../../test/stack.ts';

describe.each(DB_KINDS)('refunds (H, I) on %s', (kind) => {
  let s: Stack;
  let acme: SandboxOrg;
  let bistro: SandboxOrg;
  let cedar: SandboxOrg;
  const byName = (name: string) => s.orgs.find((o) => o.name === name)!;
  const keptToken = (orgId: string) =>
    waitFor(
      () => s.database.query('select 1 from billing_credentials where organization_id = $1', [orgId]),
      (r) => r.length === 1,
    );

  beforeAll(async () => {
    s = await startStack(kind, { env: OPS_TEST_ENV });
    acme = byName('Acme Shoes');
    bistro = byName('Bistro Verde');
    cedar = byName('Cedar Dental');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('H: an agent cannot request a refund (403)', async () => {
    const agent = await s.token(cedar, 'agent');
    const owner = await s.token(cedar, 'owner');
    const plan = (await s.api(owner, '/api/refunds')).body.candidates.find((c: any) => c.kind === 'recurrent');
    const r = await s.api(agent, '/api/refunds', { body: { chargeId: plan.chargeId } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
    expect((await s.api(agent, '/api/refunds')).status).toBe(403);
    expect(await s.database.query('select id from refunds where organization_id = $1', [cedar.id])).toHaveLength(0);
  });

  it('H: the owner requests, an operator approves: the plan is cancelled with LiveChat, the number disconnected, the refund recorded, then paid', async () => {
    const owner = await s.token(cedar, 'owner');
    const overview = (await s.api(owner, '/api/refunds')).body;
    const plan = overview.candidates.find((c: any) => c.kind === 'recurrent');
    const pkg = overview.candidates.find((c: any) => c.kind === 'direct');
    expect(plan.eligibility).toMatchObject({ eligible: true, condition: null });
    expect(pkg.eligibility).toMatchObject({ eligible: false, condition: 'package_not_refundable' });

    const requested = await s.api(owner, '/api/refunds', { body: { chargeId: plan.chargeId } });
    expect(requested.status).toBe(201);
    expect(requested.body.refund).toMatchObject({
      status: 'requested',
      chargeId: plan.chargeId,
      amountCents: 2900,
      currency: 'USD',
      number: '+12126647665',
    });
    const id = requested.body.refund.id;
    await keptToken(cedar.id);

    const queue = await ops(s, '/refunds?status=requested');
    expect(queue.body.refunds.map((r: any) => r.id)).toContain(id);

    const approved = await ops(s, `/refunds/${id}/approve`, { body: { reason: 'within the guarantee' } });
    expect(approved.status).toBe(200);
    expect(approved.body.refund).toMatchObject({ status: 'approved', planCancelled: true, decisionReason: 'within the guarantee' });
    const remote = await s.sandboxControl<{ charge: { status: string } }>(`/sandbox/billing/charges/${plan.chargeId}`);
    expect(remote.charge.status).toBe('cancelled');
    expect((await s.database.query<{ status: string }>('select status from charges where id = $1', [plan.chargeId]))[0]!.status).toBe(
      'cancelled',
    );
    expect(
      await s.database.query('select id from numbers where organization_id = $1 and disconnected_at is null', [cedar.id]),
    ).toHaveLength(0);
    // Approving again changes nothing.
    expect((await ops(s, `/refunds/${id}/approve`, { body: {} })).body.refund.status).toBe('approved');

    expect((await s.api(owner, '/api/refunds')).body.refunds[0]).toMatchObject({ id, status: 'approved' });
    expect((await ops(s, `/refunds/${id}/paid`, { body: {} })).body.refund.status).toBe('paid');
    const seen = (await s.api(owner, '/api/refunds')).body.refunds[0];
    expect(seen).toMatchObject({ id, status: 'paid' });
    expect(seen.paidAt).not.toBeNull();

    const events = await auditOf(s, cedar.id);
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['refund.requested', 'plan.cancelled', 'number.disconnected', 'refund.approved', 'refund.paid']),
    );
    expect(events.find((e) => e.action === 'refund.approved')).toMatchObject({ actor_type: 'operator', actor_id: 'test-operator' });
  });

  it('H: refuses a second refund, naming the condition', async () => {
    const owner = await s.token(cedar, 'owner');
    const plan = (await s.api(owner, '/api/refunds')).body.candidates.find((c: any) => c.kind === 'recurrent');
    expect(plan.eligibility.condition).toBe('already_refunded');
    const again = await s.api(owner, '/api/refunds', { body: { chargeId: plan.chargeId } });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('refund_not_eligible');
    expect(again.body.detail).toMatch(/just once per business \(terms Part H\.3\)/);
    expect(await s.database.query('select id from refunds where organization_id = $1', [cedar.id])).toHaveLength(1);
  });

  it('H: two requests at once make one refund', async () => {
    const owner = await s.token(bistro, 'owner');
    const plan = (await s.api(owner, '/api/refunds')).body.candidates.find((c: any) => c.kind === 'recurrent');
    const results = await Promise.all(Array.from({ length: 5 }, () => s.api(owner, '/api/refunds', { body: { chargeId: plan.chargeId } })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422).every((r) => r.body.code === 'refund_not_eligible')).toBe(true);
    expect(await s.database.query('select id from refunds where organization_id = $1', [bistro.id])).toHaveLength(1);
    // Refused by the operator, the request no longer counts against "once per business".
    const [row] = await s.database.query<{ id: string }>('select id from refunds where organization_id = $1', [bistro.id]);
    expect((await ops(s, `/refunds/${row!.id}/refuse`, { body: { reason: 'duplicate of a support ticket' } })).body.refund).toMatchObject({
      status: 'refused',
      decisionReason: 'duplicate of a support ticket',
    });
    expect((await s.api(owner, '/api/refunds')).body.refunds[0]).toMatchObject({ status: 'refused' });
  });

  it('H: approval cancels the plan with LiveChat first; without a kept owner token nothing changes', async () => {
    const owner = await s.token(bistro, 'owner');
    const plan = (await s.api(owner, '/api/refunds')).body.candidates.find((c: any) => c.kind === 'recurrent');
    const requested = await s.api(owner, '/api/refunds', { body: { chargeId: plan.chargeId } });
    expect(requested.status).toBe(201);
    await keptToken(bistro.id);
    await s.database.query('delete from billing_credentials where organization_id = $1', [bistro.id]);
    const refused = await ops(s, `/refunds/${requested.body.refund.id}/approve`, { body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('plan_cancellation_failed');
    expect((await ops(s, `/refunds?status=requested`)).body.refunds.map((r: any) => r.id)).toContain(requested.body.refund.id);
    expect(
      await s.database.query('select id from numbers where organization_id = $1 and disconnected_at is null', [bistro.id]),
    ).toHaveLength(1);
    expect((await s.sandboxControl<{ charge: { status: string } }>(`/sandbox/billing/charges/${plan.chargeId}`)).charge.status).toBe(
      'active',
    );
  });

  it('I: a package is never refunded; the refusal names the clause and is audited', async () => {
    const owner = await s.token(acme, 'owner');
    const pkg = (await s.api(owner, '/api/refunds')).body.candidates.find((c: any) => c.kind === 'direct');
    const r = await s.api(owner, '/api/refunds', { body: { chargeId: pkg.chargeId } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('refund_not_eligible');
    expect(r.body.detail).toMatch(
      /packages are never refunded \(terms Part H\.2\).*No other refunds or credits are offered \(terms Part I\)/,
    );
    expect((await auditOf(s, acme.id)).find((e) => e.action === 'refund.refused_ineligible')).toMatchObject({
      metadata: { condition: 'package_not_refundable' },
    });
    expect((await s.api(owner, '/api/refunds', { body: { chargeId: 'no-such-charge' } })).status).toBe(404);
  });

  it('I: an operator may grant a discretionary credit, recorded in the ledger with its reason, once per key', async () => {
    const before = await balanceOf(s, acme.id);
    const missing = await ops(s, `/businesses/${acme.id}/credits`, { body: { conversations: 25, key: 'credit-key-0001' } });
    expect(missing.status).toBe(400);
    const body = { conversations: 25, reason: 'goodwill after the outage of 3 March', key: 'credit-key-0001' };
    const first = await ops(s, `/businesses/${acme.id}/credits`, { body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, balance: before + 25 });
    const replay = await ops(s, `/businesses/${acme.id}/credits`, { body });
    expect(replay.body).toMatchObject({ created: false, balance: before + 25, ledgerEntryId: first.body.ledgerEntryId });
    const credits = (await ledgerOf(s, acme.id)).filter((e) => e.reason === 'operator_credit');
    expect(credits).toEqual([{ delta: 25, reason: 'operator_credit', reference: 'operator:test-operator' }]);
    const event = (await auditOf(s, acme.id)).filter((e) => e.action === 'conversations.credited');
    expect(event).toHaveLength(1);
    expect(event[0]).toMatchObject({
      actor_type: 'operator',
      actor_id: 'test-operator',
      metadata: { conversations: 25, reason: 'goodwill after the outage of 3 March' },
    });
  });
});
