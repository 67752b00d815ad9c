import { beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { waitFor, type Stack } from '../../test/stack.ts';
import { OPS_TEST_ENV, auditOf, ops, routeAppWebhooks, sendOne } from '../../test/ops-test-kit.ts';
import { DELETED_TABLES, KEPT_TABLES } from './business-rights.service.ts';
import { fillOrg } from '../../test/privacy-test-kit.ts';
import { sendingSuite } from '../../test/messaging-test-kit.ts';

/** Rows of every organization-scoped (or linked) table for one organization, keyed by table. */
async function rowsOf(s: Stack, orgId: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of await s.services.privacy.exports.tables()) {
    out[t.table] = await s.database.query(`select * from ${t.table} where ${t.where} order by 1`, [orgId]);
  }
  return out;
}

describe.each(DB_KINDS)("the business's own rights on %s", (kind) => {
  const t = sendingSuite(kind, { env: OPS_TEST_ENV });
  beforeAll(() => routeAppWebhooks(t.s));

  it('L.11a: the business sees its contact data (prefilled from LiveChat until saved) and an owner corrects it; agents only read', async () => {
    const first = await t.s.api(t.owner, '/api/account/contact');
    expect(first.status).toBe(200);
    expect(first.body.contact).toBeNull();
    expect(first.body.suggested.email).toBe(t.s.orgs[0]!.accounts.find((a) => a.role === 'owner')!.email);

    // Bad input names every failing field, and nothing is written.
    const bad = await t.s.api(t.owner, '/api/account/contact', {
      method: 'PUT',
      body: { companyName: ' ', contactName: 'Ann', email: 'not-an-email', phone: '12', address: null, taxId: null },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['companyName', 'email', 'phone']);
    expect((await t.s.database.query('select * from business_contacts')).length).toBe(0);

    const contact = {
      companyName: 'Acme Sp. z o.o.',
      contactName: 'Ann Owner',
      email: 'billing@acme.example',
      phone: '+48221234567',
      address: 'ul. Prosta 1, Warszawa',
      taxId: 'PL5261040828',
    };
    const saved = await t.s.api(t.owner, '/api/account/contact', { method: 'PUT', body: contact });
    expect(saved.status).toBe(200);
    expect(saved.body.contact).toEqual(contact);
    // Corrected: one field changes, empty optional fields become null.
    const fixed = await t.s.api(t.owner, '/api/account/contact', {
      method: 'PUT',
      body: { ...contact, email: 'accounts@acme.example', address: '' },
    });
    expect(fixed.body.contact).toEqual({ ...contact, email: 'accounts@acme.example', address: null });
    expect((await t.s.api(t.agent, '/api/account/contact')).body.contact.email).toBe('accounts@acme.example');
    expect((await t.s.api(t.agent, '/api/account/contact', { method: 'PUT', body: contact })).status).toBe(403);
    // Another business sees nothing of it.
    expect((await t.s.api(t.other.owner, '/api/account/contact')).body.contact).toBeNull();
    // The audit log names the fields that changed, never their values.
    const events = (await auditOf(t.s, t.s.orgs[0]!.id)).filter((e) => e.action === 'business.contact_updated');
    expect(events.map((e) => e.metadata.fields)).toEqual([Object.keys(contact), ['email', 'address']]);
    expect(JSON.stringify(events)).not.toContain('acme.example');
  });

  it('L.11b: every table that holds an organization’s rows is either deleted on request or kept for a stated reason', async () => {
    const deleted = new Set(DELETED_TABLES.map((d) => d.table));
    for (const { table } of await t.s.services.privacy.exports.tables()) {
      expect(deleted.has(table) || table in KEPT_TABLES, `${table} is neither deleted nor kept`).toBe(true);
    }
  });

  it('L.11b: asked before uninstalling, the business’s data is deleted when it uninstalls, except the ledger and bills; other businesses are untouched', async () => {
    const [acme, bistro] = [t.s.orgs[0]!, t.s.orgs[1]!];
    expect((await sendOne(t.s, t.agent, t.numberId)).status).toBe(201);
    await fillOrg(t.s.database, acme.id, '1001', '+48601770001');
    await fillOrg(t.s.database, bistro.id, '2002', '+48601770002');
    const bistroBefore = await rowsOf(t.s, bistro.id);

    expect((await t.s.api(t.agent, '/api/account/data-deletion', { method: 'POST' })).status).toBe(403);
    const asked = await t.s.api(t.owner, '/api/account/data-deletion', { method: 'POST' });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ status: 'requested', doneAt: null });
    expect(asked.body.kept.map((k: { data: string }) => k.data).join(' ')).toMatch(/ledger/i);
    // Still installed: nothing is deleted yet.
    expect((await t.s.database.query('select 1 from messages where organization_id = $1', [acme.id])).length).toBeGreaterThan(0);

    const secretBefore = (
      await t.s.database.query<{ webhook_secret: string }>('select webhook_secret from organizations where id = $1', [acme.id])
    )[0]!.webhook_secret;
    await t.s.sandboxControl('/sandbox/apps/uninstall', { organization: acme.id });
    const done = await waitFor(
      () => t.s.api(t.owner, '/api/account/data-deletion'),
      (r) => r.body.status === 'done',
      20_000,
    );
    expect(done.body.deleted.messages).toBeGreaterThanOrEqual(2);

    const after = await rowsOf(t.s, acme.id);
    for (const { table } of DELETED_TABLES) {
      if (table === 'audit_events') continue;
      expect(after[table], table).toHaveLength(0);
    }
    // Kept: the ledger (with the uninstall's forfeit), the bills, refunds; money and lifecycle audit events only.
    expect(after.ledger_entries!.length).toBeGreaterThan(0);
    expect(after.charges!.length).toBeGreaterThan(0);
    expect(after.refunds).toHaveLength(1);
    const actions = (after.audit_events as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['account.uninstalled', 'business.data_deleted']));
    expect(actions.filter((a) => !/^(conversations|refund|plan|account|business)\./.test(a))).toEqual([]);
    expect(
      (await t.s.database.query<{ webhook_secret: string }>('select webhook_secret from organizations where id = $1', [acme.id]))[0]!
        .webhook_secret,
    ).not.toBe(secretBefore);
    // No phone number of its customers is left anywhere in what is kept.
    expect(JSON.stringify(after)).not.toContain('+48601770001');

    // Plan cancellations are still owed (fillOrg's credential is not a real token), so the billing credential
    // is kept until they are settled: once a real owner token is kept, the retry settles them.
    expect(after.billing_credentials).toHaveLength(1);
    const ownerId = acme.accounts.find((a) => a.role === 'owner')!.account_id;
    await t.s.services.billingSync.remember(
      { organizationId: acme.id, accountId: ownerId, token: t.owner, tokenExpiresAt: Date.now() + 3_600_000 },
      true,
    );
    const settled = await t.s.services.planCancellations.settle(acme.id);
    const owed = await t.s.database.query('select charge_id, status, last_error from plan_cancellations where organization_id = $1', [
      acme.id,
    ]);
    expect(settled, JSON.stringify(owed)).toMatchObject({ pending: 0 });
    expect(await t.s.database.query('select 1 from billing_credentials where organization_id = $1', [acme.id])).toHaveLength(0);

    // Nothing of the other business moved.
    expect(await rowsOf(t.s, bistro.id)).toEqual(bistroBefore);
    // Asking again changes nothing.
    const again = await t.s.api(t.owner, '/api/account/data-deletion', { method: 'POST' });
    expect(again.body).toMatchObject({ status: 'done', doneAt: done.body.doneAt });
  });

  it('L.11b: a request can be withdrawn while installed; an operator deletes only an uninstalled or terminated business’s data', async () => {
    const bistro = t.s.orgs[1]!;
    const asked = await t.s.api(t.other.owner, '/api/account/data-deletion', { method: 'POST' });
    expect(asked.body.status).toBe('requested');
    const withdrawn = await t.s.api(t.other.owner, '/api/account/data-deletion', { method: 'DELETE' });
    expect(withdrawn.body.status).toBe('none');
    expect((await t.s.api(t.other.owner, '/api/account/data-deletion', { method: 'DELETE' })).status).toBe(409);

    const refused = await ops(t.s, `/businesses/${bistro.id}/data-deletion`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/installed/);
    expect((await ops(t.s, `/businesses/${bistro.id}/data-deletion`, { method: 'POST', authorization: null })).status).toBe(401);
    expect((await ops(t.s, `/businesses/nope/data-deletion`, { method: 'POST' })).status).toBe(404);

    expect((await ops(t.s, `/businesses/${bistro.id}/terminate`, { method: 'POST', body: { reason: 'asked to leave' } })).status).toBe(200);
    const byOperator = await ops(t.s, `/businesses/${bistro.id}/data-deletion`, { method: 'POST' });
    expect(byOperator.status).toBe(200);
    expect(byOperator.body.status).toBe('done');
    expect(byOperator.body.requestedBy).toMatch(/^operator:/);
    expect(await t.s.database.query('select 1 from numbers where organization_id = $1', [bistro.id])).toHaveLength(0);
  });
});
