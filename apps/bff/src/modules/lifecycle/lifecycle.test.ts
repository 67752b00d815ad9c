import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOrganization } from '../organizations/organizations.service.ts';
import { csvOf, customer, upload } from '../../test/campaign-test-kit.ts';
import { auditOf, balanceOf, ledgerOf, ops, OPS_TEST_ENV, routeAppWebhooks, sendOne } from '../../test/ops-test-kit.ts';
import { expectLedgerInvariant } from '../../test/ledger-invariant.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { dumpTables, startStack, waitFor, type SandboxOrg, type Stack } from '../../test/stack.ts';
import { NEW_CUSTOMER_ORG_IDS } from '../../dev/terms-seed.ts';

describe.each(DB_KINDS)('account lifecycle on %s', (kind) => {
  let s: Stack;
  let acme: SandboxOrg;
  let bistro: SandboxOrg;
  let cedar: SandboxOrg;
  const byName = (name: string) => s.orgs.find((o) => o.name === name)!;
  const numberOf = async (token: string) => (await s.api(token, '/api/numbers')).body.numbers[0];

  beforeAll(async () => {
    s = await startStack(kind, { env: OPS_TEST_ENV });
    acme = byName('Acme Shoes');
    bistro = byName('Bistro Verde');
    cedar = byName('Cedar Dental');
    expect(NEW_CUSTOMER_ORG_IDS.has(cedar.id)).toBe(true);
    await routeAppWebhooks(s);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('terms: until the owner accepts the terms in force, nothing can be bought or sent; the acceptance is recorded', async () => {
    const agent = await s.token(cedar, 'agent');
    const owner = await s.token(cedar, 'owner');
    const account = await s.api(agent, '/api/account');
    expect(account.status).toBe(200);
    expect(account.body.terms).toMatchObject({
      currentVersion: '2024-05-09',
      effectiveDate: '2024-05-09',
      onVersion: null,
      acceptanceRequired: true,
      accepted: null,
    });
    expect(account.body).toMatchObject({ canSend: false, canBuy: false, blockedCode: 'terms_not_accepted' });

    const number = await numberOf(agent);
    const send = await sendOne(s, agent, number.id);
    expect(send.status).toBe(403);
    expect(send.body.code).toBe('terms_not_accepted');
    const buy = await s.api(owner, '/api/billing/packages', { body: { packageId: '100' } });
    expect(buy.status).toBe(403);
    expect(buy.body.code).toBe('terms_not_accepted');
    const connect = await s.api(owner, '/api/numbers', {
      body: {
        number: '+12125550188',
        displayName: 'Second',
        apiVersion: 'v2',
        wabaId: 'waba-x',
        planId: 'starter',
        billingCycle: 'monthly',
      },
    });
    expect(connect.status).toBe(403);
    expect(await s.database.query(`select id from charges where organization_id = $1 and created_by <> 'seed'`, [cedar.id])).toHaveLength(
      0,
    );

    // Only the owner accepts, and only the version in force.
    expect((await s.api(agent, '/api/terms/acceptance', { body: { version: '2024-05-09' } })).status).toBe(403);
    const stale = await s.api(owner, '/api/terms/acceptance', { body: { version: '2023-01-01' } });
    expect(stale.status).toBe(400);
    expect(stale.body.errors[0].path).toBe('version');

    const accepted = await s.api(owner, '/api/terms/acceptance', { body: { version: '2024-05-09', timeZone: 'America/New_York' } });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({
      canSend: true,
      canBuy: true,
      timeZone: 'America/New_York',
      terms: { onVersion: '2024-05-09', acceptanceRequired: false },
    });
    const [row] = await s.database.query<{ organization_id: string; account_id: string; version: string; accepted_at: Date }>(
      'select organization_id, account_id, version, accepted_at from terms_acceptances where organization_id = $1',
      [cedar.id],
    );
    expect(row).toMatchObject({
      organization_id: cedar.id,
      account_id: cedar.accounts.find((a) => a.role === 'owner')!.account_id,
      version: '2024-05-09',
    });
    expect(Math.abs(new Date(row!.accepted_at).getTime() - Date.now())).toBeLessThan(60_000);
    // Accepting again records nothing new.
    await s.api(owner, '/api/terms/acceptance', { body: { version: '2024-05-09' } });
    expect(await s.database.query('select id from terms_acceptances where organization_id = $1', [cedar.id])).toHaveLength(1);
    expect((await auditOf(s, cedar.id)).filter((e) => e.action === 'terms.accepted')).toHaveLength(1);

    expect((await sendOne(s, agent, number.id)).status).toBe(201);
  });

  it('terms: a business that started before 9 May 2024 is shown on the earlier version and is not asked again', async () => {
    const legacy = await ensureOrganization(s.database.db, `legacy-${kind}-${Date.now()}`);
    const before = await s.services.lifecycle.account(legacy);
    expect(before.terms).toMatchObject({ onVersion: null, acceptanceRequired: true });
    const set = await ops(s, `/businesses/${legacy.id}/started-at`, {
      method: 'PUT',
      body: { startedAt: '2023-11-02T09:00:00Z', reason: 'migrated from the old system' },
    });
    expect(set.status).toBe(200);
    expect(set.body.business).toMatchObject({ startedAt: '2023-11-02T09:00:00.000Z', termsVersion: 'earlier' });
    const after = await s.services.lifecycle.account(legacy);
    expect(after.terms).toMatchObject({ onVersion: 'earlier', acceptanceRequired: false, accepted: null });
    expect(after.canSend).toBe(true);
    // Starting on the effective date itself is under the terms in force.
    const onTheDay = await ensureOrganization(s.database.db, `new-${kind}-${Date.now()}`);
    await ops(s, `/businesses/${onTheDay.id}/started-at`, { method: 'PUT', body: { startedAt: '2024-05-09T00:00:00Z' } });
    expect((await s.services.lifecycle.account(onTheDay)).terms.acceptanceRequired).toBe(true);
  });

  it('F.2, J: a suspended business cannot send or buy through the API, the reason is shown, restoring lifts it; both audited', async () => {
    const agent = await s.token(bistro, 'agent');
    const owner = await s.token(bistro, 'owner');
    const number = await numberOf(agent);
    const created = await upload(
      s,
      owner,
      { numberId: number.id, templateName: 'table_booking' },
      csvOf([
        [customer(), 'Ann', '#1'],
        [customer(), 'Bob', '#2'],
      ]),
    );
    expect(created.status).toBe(201);
    const campaignId = created.body.campaign.id;
    expect((await s.api(owner, `/api/campaigns/${campaignId}/launch`, { body: {} })).status).toBe(200);

    const suspended = await ops(s, `/businesses/${bistro.id}/suspend`, { body: { reason: 'Meta flagged spam complaints' } });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({
      changed: true,
      business: { status: 'suspended', statusReason: 'Meta flagged spam complaints' },
    });
    expect((await ops(s, `/businesses/${bistro.id}/suspend`, { body: {} })).body.changed).toBe(false);

    const account = (await s.api(agent, '/api/account')).body;
    expect(account).toMatchObject({
      status: 'suspended',
      canSend: false,
      canBuy: false,
      blockedCode: 'organization_suspended',
      statusReason: 'Meta flagged spam complaints',
    });
    expect(account.blockedReason).toMatch(/suspended by the service operator.*Meta flagged spam complaints/);
    expect((await numberOf(agent)).canSend).toBe(false);

    const before = await balanceOf(s, bistro.id);
    const send = await sendOne(s, agent, number.id);
    expect(send.status).toBe(409);
    expect(send.body.code).toBe('organization_suspended');
    const buy = await s.api(owner, '/api/billing/packages', { body: { packageId: '100' } });
    expect(buy.status).toBe(409);
    expect(buy.body.code).toBe('organization_suspended');
    const plan = await s.api(owner, `/api/numbers/${number.id}/plan`, { body: { planId: 'full', billingCycle: 'monthly' } });
    expect(plan.status).toBe(409);
    expect(await balanceOf(s, bistro.id)).toBe(before);
    // Campaigns stop too, and cannot be resumed while suspended.
    expect(
      (
        await s.database.query<{ status: string; paused_reason: string }>('select status, paused_reason from campaigns where id = $1', [
          campaignId,
        ])
      )[0],
    ).toEqual({
      status: 'paused',
      paused_reason: 'organization_inactive',
    });
    const resume = await s.api(owner, `/api/campaigns/${campaignId}/resume`, { body: {} });
    expect(resume.status).toBe(409);
    expect(resume.body.code).toBe('organization_suspended');

    const restored = await ops(s, `/businesses/${bistro.id}/restore`, { body: {} });
    expect(restored.body).toMatchObject({ changed: true, business: { status: 'active', statusReason: null } });
    expect((await sendOne(s, agent, number.id)).status).toBe(201);

    const events = await auditOf(s, bistro.id);
    const suspendEvent = events.find((e) => e.action === 'account.suspended')!;
    expect(suspendEvent).toMatchObject({
      actor_type: 'operator',
      actor_id: 'test-operator',
      metadata: { reason: 'Meta flagged spam complaints' },
    });
    expect(events.find((e) => e.action === 'account.restored')).toMatchObject({ actor_type: 'operator', metadata: { reason: null } });
  });

  it('J: sending can be revoked and restored for one number', async () => {
    const agent = await s.token(bistro, 'agent');
    const number = await numberOf(agent);
    const revoked = await ops(s, `/businesses/${bistro.id}/numbers/${number.id}/revoke-sending`, { body: { reason: 'template abuse' } });
    expect(revoked.body.changed).toBe(true);
    const refused = await sendOne(s, agent, number.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('sending_revoked');
    expect((await numberOf(agent)).cannotSendReason).toMatch(/revoked/);
    expect((await ops(s, `/businesses/${bistro.id}/numbers/${number.id}/restore-sending`, { body: {} })).body.changed).toBe(true);
    expect((await sendOne(s, agent, number.id)).status).toBe(201);
    const actions = (await auditOf(s, bistro.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['number.sending_revoked', 'number.sending_restored']));
  });

  /** Our state, without the message tables that Kaleyra's status callbacks keep updating meanwhile. */
  const lifecycleState = async () => {
    const all = await dumpTables(s.database);
    delete all.messages;
    delete all.message_events;
    delete all.pgboss;
    return all;
  };

  it('E: an unconfirmed app webhook changes nothing', async () => {
    const before = await lifecycleState();
    const hook = (body: unknown, secret = s.config.APP_WEBHOOK_SECRET) =>
      fetch(`${s.bffUrl}/webhooks/livechat/${secret}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const valid = {
      event: 'application_uninstalled',
      licenseID: 10002,
      organizationID: bistro.id,
      clientID: s.config.LIVECHAT_CLIENT_ID,
      userID: 'x',
      date: new Date().toISOString(),
      payload: {},
    };
    expect((await hook(valid, 'not-the-secret-0123456789abcdef')).status).toBe(404);
    expect(await (await hook({ ...valid, clientID: 'someone-else' })).json()).toEqual({ result: 'ignored' });
    expect(await (await hook({ ...valid, organizationID: 'never-seen' })).json()).toEqual({ result: 'ignored' });
    expect(await (await hook({ ...valid, date: new Date(Date.now() + 3_600_000).toISOString() })).json()).toEqual({ result: 'ignored' });
    expect(await (await hook({ ...valid, date: 'yesterday' })).json()).toEqual({ result: 'ignored' });
    expect(await lifecycleState()).toEqual(before);
  });

  it('E: uninstall forfeits exactly the balance, including conversations reserved by a running campaign; a replayed uninstall changes nothing', async () => {
    const owner = await s.token(acme, 'owner');
    // An owner's request keeps their token for the Billing API (the plans are cancelled with it).
    await s.api(owner, '/api/me');
    await waitFor(
      () => s.database.query('select 1 from billing_credentials where organization_id = $1', [acme.id]),
      (r) => r.length === 1,
    );

    const number = await numberOf(owner);
    const rows = [customer(), customer(), customer()].map((p, i) => [p, `Name ${i}`, `#${i}`]);
    const created = await upload(s, owner, { numberId: number.id }, csvOf(rows));
    expect(created.status).toBe(201);
    const launched = await s.api(owner, `/api/campaigns/${created.body.campaign.id}/launch`, { body: {} });
    expect(launched.status).toBe(200);
    const [campaign] = await s.database.query<{ status: string; reserved_held: number }>(
      'select status, reserved_held from campaigns where id = $1',
      [created.body.campaign.id],
    );
    expect(campaign).toMatchObject({ status: 'running', reserved_held: 3 });
    const balance = await balanceOf(s, acme.id);
    expect(balance).toBeGreaterThan(0);
    const [plan] = await s.database.query<{ id: string }>(`select id from charges where organization_id = $1 and kind = 'recurrent'`, [
      acme.id,
    ]);

    await s.sandboxControl('/sandbox/apps/uninstall', { organization: acme.id });
    // Our answer to the webhook comes once everything is done, the plans' cancellation with LiveChat included.
    await waitFor(
      () =>
        s.sandboxControl<{ deliveries: { outcome: string; body: { organizationID: string } }[] }>(
          '/sandbox/app-webhook/deliveries?event=application_uninstalled',
        ),
      (r) => r.deliveries.some((d) => d.body.organizationID === acme.id && d.outcome === 'delivered'),
    );
    expect((await s.database.query<{ status: string }>('select status from organizations where id = $1', [acme.id]))[0]!.status).toBe(
      'uninstalled',
    );

    const ledger = await ledgerOf(s, acme.id);
    const forfeits = ledger.filter((e) => e.reason === 'forfeited');
    expect(forfeits).toHaveLength(1);
    // Exactly what was left plus what the running campaign held in reserve.
    expect(forfeits[0]!.delta).toBe(-(balance + 3));
    expect(ledger.filter((e) => e.reason === 'reservation_released').reduce((a, e) => a + e.delta, 0)).toBe(3);
    expect(await balanceOf(s, acme.id)).toBe(0);
    await expectLedgerInvariant(s.database.db, acme.id);
    expect(await s.services.ledger.totals(acme.id)).toEqual({ remaining: 0, reserved: 0 });
    expect(
      (await s.database.query<{ status: string }>('select status from campaigns where id = $1', [created.body.campaign.id]))[0]!.status,
    ).toBe('cancelled');
    expect(await s.database.query(`select id from numbers where organization_id = $1 and disconnected_at is null`, [acme.id])).toHaveLength(
      0,
    );
    // Every number's plan is cancelled through the Billing API, and mirrored.
    const remote = await s.sandboxControl<{ charge: { status: string } }>(`/sandbox/billing/charges/${plan!.id}`);
    expect(remote.charge.status).toBe('cancelled');
    expect((await s.database.query<{ status: string }>('select status from charges where id = $1', [plan!.id]))[0]!.status).toBe(
      'cancelled',
    );
    expect(
      await s.database.query(`select 1 from plan_cancellations where organization_id = $1 and status = 'pending'`, [acme.id]),
    ).toHaveLength(0);
    const actions = (await auditOf(s, acme.id)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'account.uninstalled',
        'conversations.forfeited',
        'number.disconnected',
        'plan.cancelled',
        'campaign.cancelled',
      ]),
    );

    // A replay (LiveChat retrying, or anyone holding the path) does nothing more.
    const [delivery] = (
      await s.sandboxControl<{ deliveries: { body: unknown }[] }>('/sandbox/app-webhook/deliveries?event=application_uninstalled')
    ).deliveries.filter((d) => (d.body as { organizationID: string }).organizationID === acme.id);
    const before = await lifecycleState();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${s.bffUrl}/webhooks/livechat/${s.config.APP_WEBHOOK_SECRET}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(delivery!.body),
      });
      expect(await res.json()).toEqual({ result: 'replayed' });
    }
    expect(await lifecycleState()).toEqual(before);
  });

  it('C.5: reinstalling starts from zero: no conversations, no numbers, the terms to accept again; an old uninstall replayed later is ignored', async () => {
    const [oldUninstall] = (
      await s.sandboxControl<{ deliveries: { body: unknown }[] }>('/sandbox/app-webhook/deliveries?event=application_uninstalled')
    ).deliveries.filter((d) => (d.body as { organizationID: string }).organizationID === acme.id);
    await s.sandboxControl('/sandbox/apps/install', { organization: acme.id });
    await waitFor(
      () =>
        s.sandboxControl<{ deliveries: { outcome: string; body: { organizationID: string } }[] }>(
          '/sandbox/app-webhook/deliveries?event=application_installed',
        ),
      (r) => r.deliveries.some((d) => d.body.organizationID === acme.id && d.outcome === 'delivered'),
    );
    expect((await s.database.query<{ status: string }>('select status from organizations where id = $1', [acme.id]))[0]!.status).toBe(
      'active',
    );
    const agent = await s.token(acme, 'agent');
    const account = (await s.api(agent, '/api/account')).body;
    expect(account.terms).toMatchObject({ acceptanceRequired: true, onVersion: null });
    expect((await s.api(agent, '/api/balance')).body.remaining).toBe(0);
    expect((await s.api(agent, '/api/numbers')).body.numbers).toHaveLength(0);
    expect((await ops(s, `/businesses/${acme.id}`)).body.business).toMatchObject({ status: 'active', installation: 2, balance: 0 });

    const res = await fetch(`${s.bffUrl}/webhooks/livechat/${s.config.APP_WEBHOOK_SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(oldUninstall!.body),
    });
    expect(await res.json()).toEqual({ result: 'replayed' });
    expect((await s.database.query<{ status: string }>('select status from organizations where id = $1', [acme.id]))[0]!.status).toBe(
      'active',
    );
  });
});
