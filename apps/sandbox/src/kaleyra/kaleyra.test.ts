import { describe, expect, it } from 'vitest';
import { eventually, useSandboxWithReceiver } from '../lib/test-helpers.ts';

const sb = useSandboxWithReceiver();

const KEY = { 'api-key': 'sandbox-kaleyra-key' };
const ACME = '48221234567'; // v2
const BISTRO = '390212345678'; // v1

function v2Template(ref: string, to = '+34612345678') {
  return {
    messaging_object: {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'template',
      template: {
        name: 'order_shipped',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Maria' },
              { type: 'text', text: 'A-1001' },
              { type: 'text', text: 'Friday' },
            ],
          },
        ],
      },
    },
    extra_info: { ref },
  };
}

const sendV2 = (body: unknown, number = ACME, headers: Record<string, string> = KEY) =>
  sb.call('POST', `/v2/HXSANDBOX01/whatsapp/${number}/messages`, { json: body, headers });

const sendV1 = (form: Record<string, string>, headers: Record<string, string> = KEY) =>
  sb.call('POST', '/v1/HXSANDBOX01/messages', { form, headers });

const v1Text = (extra: Record<string, string> = {}) => ({
  from: `+${BISTRO}`,
  to: '+14155550132',
  channel: 'whatsapp',
  type: 'text',
  body: 'Hello from Bistro',
  ...extra,
});

describe('Kaleyra send wire formats', () => {
  it('v2 accepts a template with WA202 and records the message', async () => {
    const response = await sendV2(v2Template('ref-1'));
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ code: 'WA202', message: 'Message accepted', data: { message_id: expect.any(String) } });

    const { body } = await sb.call('GET', '/sandbox/kaleyra/messages?ref=ref-1');
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]).toMatchObject({
      id: response.body.data.message_id,
      api_version: 'v2',
      from: `+${ACME}`,
      to: '+34612345678',
      type: 'template',
      template_name: 'order_shipped',
      params: ['Maria', 'A-1001', 'Friday'],
      lang_code: 'en_US',
      ref: 'ref-1',
    });
  });

  it('v1 accepts form posts with a top-level id, and validates the recipient', async () => {
    const response = await sendV1(
      v1Text({ type: 'template', template_name: 'table_booking', params: '"Ann","4, by the window","20:00"', lang_code: 'en' }),
    );
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ id: expect.any(String), to: '14155550132', status: 'accepted' });
    expect(response.body.createdDateTime).toEqual(expect.any(String));
    const stored = await sb.call('GET', `/sandbox/kaleyra/messages/${response.body.id}`);
    expect(stored.body.params).toEqual(['Ann', '4, by the window', '20:00']);

    const invalid = await sendV1(v1Text({ to: '12ab' }));
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ error: { to: 'invalid number' } });
  });

  it('refuses a number on the other API version with WA401, in each version’s shape', async () => {
    const v2ForV1Number = await sendV2(v2Template('x'), BISTRO);
    expect(v2ForV1Number.status).toBe(403);
    expect(v2ForV1Number.body).toEqual({ code: 'WA401', message: 'Number not authorised' });

    const v1ForV2Number = await sendV1(v1Text({ from: ACME }));
    expect(v1ForV2Number.status).toBe(403);
    expect(v1ForV2Number.body).toEqual({ error: { from: 'WA401 number not authorised for this API version' } });
  });

  it('checks the api-key and SID', async () => {
    expect(await sendV2(v2Template('k'), ACME, { 'api-key': 'wrong' })).toMatchObject({
      status: 401,
      body: { code: 'RBC001', message: 'Invalid API key' },
    });
    expect(await sendV1(v1Text(), {})).toMatchObject({ status: 401, body: { error: { 'api-key': 'invalid' } } });
    const wrongSid = await sb.call('POST', `/v2/OTHER/whatsapp/${ACME}/messages`, { json: v2Template('s'), headers: KEY });
    expect(wrongSid.status).toBe(404);
  });

  it('rejects bad payloads and templates that are not approved', async () => {
    const bad = await sendV2({ messaging_object: { messaging_product: 'whatsapp', to: 'x', type: 'text' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('WA400');
    expect(bad.body.errors).toHaveProperty(['messaging_object.to']);

    const paused = v2Template('p');
    paused.messaging_object.template.name = 'winter_clearance';
    const pausedResponse = await sendV2(paused);
    expect(pausedResponse.status).toBe(400);
    expect(JSON.stringify(pausedResponse.body.errors)).toContain('132015');

    const fewParams = v2Template('f');
    fewParams.messaging_object.template.components[0]?.parameters.pop();
    expect(JSON.stringify((await sendV2(fewParams)).body.errors)).toContain('132000');
  });

  it('returns the same message_id for a repeated v2 ref and records no duplicate', async () => {
    const first = await sendV2(v2Template('order-77'));
    const second = await sendV2(v2Template('order-77'));
    expect(second.status).toBe(202);
    expect(second.body.data.message_id).toBe(first.body.data.message_id);
    const { body } = await sb.call('GET', '/sandbox/kaleyra/messages?ref=order-77');
    expect(body.messages).toHaveLength(1);
    expect(body.duplicate_refs_seen).toBe(1);
  });

  it('with ref de-duplication switched off, sends a repeated v2 ref again as a new message', async () => {
    expect((await sb.call('POST', '/sandbox/kaleyra/config', { json: { dedupe_refs: false } })).body.dedupe_refs).toBe(false);
    try {
      const first = await sendV2(v2Template('order-78'));
      const second = await sendV2(v2Template('order-78'));
      expect(second.status).toBe(202);
      expect(second.body.data.message_id).not.toBe(first.body.data.message_id);
      const { body } = await sb.call('GET', '/sandbox/kaleyra/messages?ref=order-78');
      expect(body.messages).toHaveLength(2);
    } finally {
      await sb.call('POST', '/sandbox/kaleyra/config', { json: { dedupe_refs: true } });
    }
  });
});

describe('Kaleyra limits and failure injection', () => {
  it('answers 429 with Retry-After beyond the per-number rate', async () => {
    await sb.call('POST', '/sandbox/kaleyra/config', { json: { rate_limit_per_second: 3 } });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => sendV2(v2Template(`rl-${i}`))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    const throttled = results.find((r) => r.status === 429);
    expect(throttled?.headers.get('retry-after')).toBe('1');
    expect(throttled?.body).toEqual({ code: 'WA429', message: 'Too many requests' });

    const v1 = await Promise.all([1, 2, 3, 4].map(() => sendV1(v1Text())));
    const v1Throttled = v1.find((r) => r.status === 429);
    expect(v1Throttled?.body).toEqual({ error: { message: 'throttled' } });
  });

  it('injects synchronous failures in order, per number', async () => {
    await sb.call('POST', '/sandbox/kaleyra/fail-next', { json: { mode: 'E110' } });
    await sb.call('POST', '/sandbox/kaleyra/fail-next', { json: { mode: 'WAV2101', number: `+${ACME}` } });
    await sb.call('POST', '/sandbox/kaleyra/fail-next', { json: { mode: 'http503', number: `+${ACME}` } });
    await sb.call('POST', '/sandbox/kaleyra/fail-next', { json: { mode: 'WA500', number: `+${BISTRO}` } });

    expect(await sendV2(v2Template('a'))).toMatchObject({ status: 402, body: { code: 'E110', message: 'Insufficient balance' } });
    expect(await sendV2(v2Template('b'))).toMatchObject({ status: 403, body: { code: 'WAV2101' } });
    expect(await sendV1(v1Text())).toMatchObject({ status: 500, body: { error: { message: 'WA500 internal error' } } });
    expect((await sendV2(v2Template('c'))).status).toBe(503);
    expect((await sendV2(v2Template('d'))).status).toBe(202);
    expect((await sb.call('GET', '/sandbox/kaleyra/messages')).body.messages).toHaveLength(1);
  });

  it('an injection aimed at one customer leaves sends to others alone', async () => {
    await sb.call('POST', '/sandbox/kaleyra/fail-next', { json: { mode: 'E110', number: `+${ACME}`, to: '+34600000001' } });
    expect((await sendV2(v2Template('other', '+34600000002'))).status).toBe(202);
    expect(await sendV2(v2Template('aimed', '+34600000001'))).toMatchObject({ status: 402, body: { code: 'E110' } });
    expect((await sendV2(v2Template('again', '+34600000001'))).status).toBe(202);
  });

  it('a timeout still sends the message; the retry with the same ref gets the same id', async () => {
    await sb.call('POST', '/sandbox/kaleyra/fail-next', { json: { mode: 'timeout', hang_ms: 150 } });
    const started = Date.now();
    const slow = await sendV2(v2Template('slow-1'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const retry = await sendV2(v2Template('slow-1'));
    expect(retry.body.data.message_id).toBe(slow.body.data.message_id);
    expect((await sb.call('GET', '/sandbox/kaleyra/messages?ref=slow-1')).body.messages).toHaveLength(1);
  });

  it('asynchronous failures accept the send, then call back failed with Meta’s error', async () => {
    await sb.call('PUT', `/sandbox/kaleyra/numbers/${ACME}/callback-profile`, {
      json: {
        status_url: `${sb.receiver.url}/kaleyra/status`,
        incoming_url: `${sb.receiver.url}/kaleyra/in`,
        username: 'acme',
        password: 's3cret',
      },
    });
    await sb.call('POST', '/sandbox/kaleyra/fail-next', { json: { mode: '131047' } });
    const accepted = await sendV2(v2Template('late-fail'));
    expect(accepted.status).toBe(202);
    const [callback] = await sb.receiver.waitFor(1);
    expect(callback?.headers.authorization).toBe(`Basic ${Buffer.from('acme:s3cret').toString('base64')}`);
    const payload = JSON.parse(callback?.body ?? '{}');
    expect(payload).toMatchObject({
      status: 'failed',
      message_id: accepted.body.data.message_id,
      extra_info: { ref: 'late-fail' },
      meta_object: {
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: ACME },
          statuses: [{ id: accepted.body.data.message_id, status: 'failed', recipient_id: '34612345678', errors: [{ code: 131047 }] }],
        },
      },
    });
    await new Promise((r) => setTimeout(r, 40));
    expect(sb.receiver.requests).toHaveLength(1); // no sent/delivered/read after a failure
  });

  it('v2 status callbacks go sent → delivered → read to the callback profile', async () => {
    await sb.call('PUT', `/sandbox/kaleyra/numbers/%2B${ACME}/callback-profile`, {
      json: { status_url: `${sb.receiver.url}/status`, incoming_url: '', username: 'u', password: 'p' },
    });
    await sendV2(v2Template('happy'));
    const requests = await sb.receiver.waitFor(3);
    expect(requests.map((r) => JSON.parse(r.body).status)).toEqual(['sent', 'delivered', 'read']);
    const callbacks = await eventually(async () => {
      const list = (await sb.call('GET', '/sandbox/kaleyra/callbacks')).body.callbacks;
      return list.length === 3 ? list : undefined;
    });
    expect(callbacks.every((c: { delivered: boolean }) => c.delivered)).toBe(true);
  });
});

describe('Kaleyra callbacks and incoming messages', () => {
  it('turns userinfo in a v1 callback_url into Basic auth', async () => {
    const withCredentials = sb.receiver.url.replace('http://', 'http://cb-user:p%40ss@') + '/v1/status?org=acme';
    const sent = await sendV1(v1Text({ callback_url: withCredentials }));
    expect(sent.status).toBe(202);
    const requests = await sb.receiver.waitFor(3);
    const first = requests[0];
    expect(first?.method).toBe('GET');
    expect(first?.headers.authorization).toBe(`Basic ${Buffer.from('cb-user:p@ss').toString('base64')}`);
    const query = new URL(first?.url ?? '', 'http://x').searchParams;
    expect(Object.fromEntries(query)).toMatchObject({ org: 'acme', id: sent.body.id, status: 'sent', to: '14155550132', from: BISTRO });
    expect(requests.map((r) => new URL(r.url, 'http://x').searchParams.get('status'))).toEqual(['sent', 'delivered', 'read']);

    const stored = await sb.call('GET', `/sandbox/kaleyra/messages/${sent.body.id}`);
    expect(stored.body.callback_url).not.toContain('p%40ss');
  });

  it('retries a failing callback twice', async () => {
    sb.receiver.setStatus(500);
    await sb.call('POST', '/sandbox/kaleyra/fail-next', { json: { mode: 'not-sent' } });
    await sendV1(v1Text({ callback_url: `${sb.receiver.url}/cb` }));
    const requests = await sb.receiver.waitFor(3);
    expect(requests.every((r) => new URL(r.url, 'http://x').searchParams.get('status') === 'not-sent')).toBe(true);
  });

  it('delivers incoming messages in each version’s format', async () => {
    await sb.call('PUT', `/sandbox/kaleyra/numbers/${BISTRO}/callback-profile`, {
      json: { status_url: '', incoming_url: `${sb.receiver.url}/in/v1`, username: 'b', password: 'pw' },
    });
    await sb.call('PUT', `/sandbox/kaleyra/numbers/${ACME}/callback-profile`, {
      json: { status_url: '', incoming_url: `${sb.receiver.url}/in/v2`, username: 'a', password: 'pw' },
    });
    const v1 = await sb.call('POST', '/sandbox/kaleyra/incoming', {
      json: { to: `+${BISTRO}`, from: '+14155550132', button_text: 'Stop', name: 'John' },
    });
    expect(v1.body).toMatchObject({ delivered: true, status: 200 });
    const v2 = await sb.call('POST', '/sandbox/kaleyra/incoming', { json: { to: `+${ACME}`, from: '+34612345678', body: 'Hola' } });
    expect(v2.body).toMatchObject({ delivered: true, status: 200 });

    const [first, second] = sb.receiver.requests;
    expect(first?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(first?.body))).toMatchObject({
      from: '14155550132',
      name: 'John',
      type: 'button',
      button_text: 'Stop',
      wanumber: BISTRO,
    });
    const json = JSON.parse(second?.body ?? '{}');
    expect(json.meta_object.value.messages[0]).toMatchObject({ from: '34612345678', type: 'text', text: { body: 'Hola' } });
    expect(json.meta_object.value.contacts[0].wa_id).toBe('34612345678');
  });

  it('lists, creates and deletes templates in Meta’s shape', async () => {
    const list = await sb.call('GET', '/v2/HXSANDBOX01/whatsapp/waba-acme-001/message_templates', { headers: KEY });
    const names = list.body.data.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(['order_shipped', 'spring_sale', 'crypto_promo', 'winter_clearance']));
    expect(list.body.data.find((t: { name: string }) => t.name === 'crypto_promo')).toMatchObject({
      status: 'REJECTED',
      rejected_reason: 'PROMOTIONAL content not allowed',
    });

    const created = await sb.call('POST', '/v2/HXSANDBOX01/whatsapp/waba-acme-001/message_templates', {
      headers: KEY,
      json: { name: 'back_in_stock', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hi {{1}}' }] },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('APPROVED');
    const removed = await sb.call('DELETE', '/v2/HXSANDBOX01/whatsapp/waba-acme-001/message_templates?name=back_in_stock', {
      headers: KEY,
    });
    expect(removed.body).toEqual({ success: true });
  });
});
