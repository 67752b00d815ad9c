import { beforeEach, describe, expect, it } from 'vitest';
import { eventually, useSandboxWithReceiver } from '../lib/test-helpers.ts';
import { ACME_ORG_ID, BISTRO_ORG_ID } from '../seed.ts';

const sb = useSandboxWithReceiver((receiverUrl) => ({ appWebhookUrl: `${receiverUrl}/hooks/secret-path` }));
let owner: string;

beforeEach(async () => {
  owner = (await sb.call('POST', '/sandbox/tokens', { json: { organization: ACME_ORG_ID, role: 'owner' } })).body.access_token;
});

const auth = () => ({ authorization: `Bearer ${owner}` });

describe('Billing API v3: direct charges', () => {
  it('runs pending → accepted → processed → success and sends payment_collected', async () => {
    const created = await sb.call('POST', '/v3/direct_charge/livechat', {
      headers: auth(),
      json: { name: '1,000 conversations', price: 1500, quantity: 2, return_url: 'https://app.test/back', test: true },
    });
    expect(created.status).toBe(201);
    const charge = created.body;
    expect(charge).toMatchObject({
      status: 'pending',
      buyer_license_id: 10001,
      buyer_organization_id: ACME_ORG_ID,
      price: 1500,
      quantity: 2,
      test: true,
      commission_percent: 30,
      confirmation_url: `${sb.url}/billing/confirm/${charge.id}`,
    });

    // An app cannot activate a charge the owner has not accepted.
    const early = await sb.call('PUT', `/v3/direct_charge/livechat/${charge.id}/activate`, { headers: auth() });
    expect(early.status).toBe(422);
    expect(early.body.error.message).toMatch(/status is 'pending'/);

    expect((await sb.call('POST', `/sandbox/billing/direct/${charge.id}/accept`)).body.status).toBe('accepted');
    const activated = await sb.call('PUT', `/v3/direct_charge/livechat/${charge.id}/activate`, { headers: auth() });
    expect(activated.body.status).toBe('processed');

    await eventually(async () => {
      const current = await sb.call('GET', `/v3/direct_charge/livechat/${charge.id}`, { headers: auth() });
      return current.body.status === 'success' || undefined;
    });
    const [hook] = await sb.receiver.waitFor(1);
    expect(hook?.url).toBe('/hooks/secret-path');
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      event: 'payment_collected',
      licenseID: 10001,
      organizationID: ACME_ORG_ID,
      clientID: 'wa-livechat-app',
      payload: { paymentID: charge.id, total: 3000 },
    });
    expect((await sb.call('GET', '/sandbox/app-webhook/deliveries')).body.deliveries[0].outcome).toBe('delivered');

    // success is final
    const again = await sb.call('POST', `/sandbox/billing/direct/${charge.id}/accept`);
    expect(again.status).toBe(422);
  });

  it('ends in failed (no webhook) when marked to fail, and declined charges cannot be accepted', async () => {
    const create = () =>
      sb.call('POST', '/v3/direct_charge/livechat', {
        headers: auth(),
        json: { name: 'Pack', price: 500, quantity: 1, return_url: 'https://app.test/back' },
      });
    const failing = (await create()).body;
    await sb.call('POST', `/sandbox/billing/direct/${failing.id}/fail`);
    await sb.call('POST', `/sandbox/billing/direct/${failing.id}/accept`);
    await sb.call('PUT', `/v3/direct_charge/livechat/${failing.id}/activate`, { headers: auth() });
    await eventually(async () => {
      const current = await sb.call('GET', `/v3/direct_charge/livechat/${failing.id}`, { headers: auth() });
      return current.body.status === 'failed' || undefined;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(sb.receiver.requests).toHaveLength(0);

    const declined = (await create()).body;
    expect((await sb.call('POST', `/sandbox/billing/direct/${declined.id}/decline`)).body.status).toBe('declined');
    expect((await sb.call('POST', `/sandbox/billing/direct/${declined.id}/accept`)).status).toBe(422);
  });

  it('validates input, requires a token and scopes charges to the organization', async () => {
    const bad = await sb.call('POST', '/v3/direct_charge/livechat', {
      headers: auth(),
      json: { name: '', price: 9.99, quantity: 0, return_url: 'nope' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('validation');
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['name', 'price', 'quantity', 'return_url']));

    expect((await sb.call('GET', '/v3/direct_charge/livechat')).status).toBe(401);

    const created = await sb.call('POST', '/v3/direct_charge/livechat', {
      headers: auth(),
      json: { name: 'Pack', price: 500, quantity: 1, return_url: 'https://app.test/back' },
    });
    const other = (await sb.call('POST', '/sandbox/tokens', { json: { organization: BISTRO_ORG_ID, role: 'owner' } })).body.access_token;
    const foreign = await sb.call('GET', `/v3/direct_charge/livechat/${created.body.id}`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(foreign.status).toBe(404);
    const list = await sb.call('GET', '/v3/direct_charge/livechat', { headers: { authorization: `Bearer ${other}` } });
    expect(list.body.records).toEqual([]);
  });
});

describe('Billing API v3: recurrent charges', () => {
  it('accepts, activates and cancels a plan with payment_activated / payment_cancelled webhooks', async () => {
    const created = await sb.call('POST', '/v3/recurrent_charge/livechat', {
      headers: auth(),
      json: { name: 'Pro plan', price: 2900, return_url: 'https://app.test/back' },
    });
    expect(created.body).toMatchObject({ status: 'pending', months: 1, trial_days: 0, next_charge_at: null, cancelled_at: null });
    const id = created.body.id as string;

    expect((await sb.call('PUT', `/v3/recurrent_charge/livechat/${id}/activate`, { headers: auth() })).status).toBe(422);
    expect((await sb.call('POST', `/sandbox/billing/recurrent/${id}/accept`)).body.status).toBe('accepted');
    const active = await sb.call('PUT', `/v3/recurrent_charge/livechat/${id}/activate`, { headers: auth() });
    expect(active.body.status).toBe('active');
    expect(new Date(active.body.next_charge_at).getTime()).toBeGreaterThan(Date.now() + 27 * 86_400_000);

    expect((await sb.call('POST', `/sandbox/billing/recurrent/${id}/status`, { json: { status: 'past_due' } })).body.status).toBe(
      'past_due',
    );
    const cancelled = await sb.call('PUT', `/v3/recurrent_charge/livechat/${id}/cancel`, { headers: auth() });
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.cancelled_at).toEqual(expect.any(String));
    expect((await sb.call('PUT', `/v3/recurrent_charge/livechat/${id}/cancel`, { headers: auth() })).status).toBe(422);

    const hooks = await sb.receiver.waitFor(2);
    expect(hooks.map((h) => JSON.parse(h.body).event)).toEqual(['payment_activated', 'payment_cancelled']);
  });

  it('sends application_uninstalled through the control surface', async () => {
    const response = await sb.call('POST', '/sandbox/apps/uninstall', { json: { organization: BISTRO_ORG_ID } });
    expect(response.status).toBe(202);
    const [hook] = await sb.receiver.waitFor(1);
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({ event: 'application_uninstalled', licenseID: 10002 });
  });
});
