import { beforeEach, describe, expect, it } from 'vitest';
import { eventually, useSandboxWithReceiver } from '../lib/test-helpers.ts';

const ACME = '48221234567'; // v2
const BISTRO = '390212345678'; // v1
const CUSTOMER = '+48555010203';
const KEY = { 'api-key': 'sandbox-kaleyra-key' };

const sb = useSandboxWithReceiver();
beforeEach(async () => {
  for (const [number, path] of [
    [ACME, 'v2'],
    [BISTRO, 'v1'],
  ] as const) {
    await sb.call('PUT', `/sandbox/kaleyra/numbers/${number}/callback-profile`, {
      json: { status_url: '', incoming_url: `${sb.receiver.url}/in/${path}`, username: 'u', password: 'p' },
    });
  }
});

const act = (business: string, body: Record<string, unknown>) =>
  sb.call('POST', '/sandbox/phone/messages', { json: { business: `+${business}`, customer: CUSTOMER, name: 'Ana Silva', ...body } });

function lastJson() {
  return JSON.parse(sb.receiver.requests.at(-1)?.body ?? '{}').meta_object.value.messages[0];
}
function lastForm() {
  return Object.fromEntries(new URLSearchParams(sb.receiver.requests.at(-1)?.body));
}

describe('the phone page’s controls deliver Kaleyra’s real incoming webhooks', () => {
  it('v2: a reply to a business message carries Meta’s context; a reaction names the message', async () => {
    const sent = await sb.call('POST', `/v2/HXSANDBOX01/whatsapp/${ACME}/messages`, {
      headers: KEY,
      json: { messaging_object: { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'Your order shipped' } } },
    });
    const businessMessage = sent.body.data.message_id as string;

    expect((await act(ACME, { kind: 'text', text: 'Thanks!', reply_to: businessMessage })).status).toBe(200);
    expect(lastJson()).toMatchObject({ type: 'text', text: { body: 'Thanks!' }, context: { from: ACME, id: businessMessage } });

    expect((await act(ACME, { kind: 'reaction', emoji: '👍', message_id: businessMessage })).status).toBe(200);
    expect(lastJson()).toMatchObject({ type: 'reaction', reaction: { message_id: businessMessage, emoji: '👍' } });

    const view = await sb.call('GET', `/sandbox/phone/conversation?business=%2B${ACME}&customer=${encodeURIComponent(CUSTOMER)}`);
    const received = view.body.messages.find((m: { id: string }) => m.id === businessMessage);
    expect(received).toMatchObject({ direction: 'in', text: 'Your order shipped', reaction: '👍' });
    expect(view.body.messages.filter((m: { direction: string }) => m.direction === 'out').map((m: { text?: string }) => m.text)).toEqual([
      'Thanks!',
    ]);
  });

  it('a late delivery carries the time the customer wrote it (v2 timestamp, v1 created_at)', async () => {
    const sentAt = new Date(Date.now() - 25 * 3600_000);
    const seconds = String(Math.floor(sentAt.getTime() / 1000));
    expect((await act(ACME, { kind: 'text', text: 'Written yesterday', sent_at: sentAt.toISOString() })).status).toBe(200);
    expect(lastJson()).toMatchObject({ timestamp: seconds });
    expect((await act(BISTRO, { kind: 'text', text: 'Written yesterday', sent_at: sentAt.toISOString() })).status).toBe(200);
    expect(lastForm()).toMatchObject({ created_at: seconds });
  });

  it('v2: a PDF is kept by Kaleyra and sent as Meta’s document object with a link the app can fetch', async () => {
    await act(ACME, { kind: 'sample', sample: 'pdf', caption: 'My invoice' });
    const message = lastJson();
    expect(message).toMatchObject({
      type: 'document',
      document: { mime_type: 'application/pdf', caption: 'My invoice', filename: 'invoice.pdf' },
    });
    const file = await fetch(message.document.url);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('v1: an image, a location and a quick-reply tap arrive as Kaleyra v1 fields', async () => {
    await act(BISTRO, { kind: 'sample', sample: 'photo' });
    const image = lastForm();
    expect(image).toMatchObject({ type: 'image', from: CUSTOMER.slice(1), wanumber: BISTRO, mime_type: 'image/png', name: 'Ana Silva' });
    const png = await fetch(image.media_url!);
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    await act(BISTRO, { kind: 'location', latitude: 45.46, longitude: 9.19, place: 'Duomo' });
    expect(lastForm().type).toBe('location');
    expect(JSON.parse(lastForm().location!)).toEqual({ latitude: 45.46, longitude: 9.19, name: 'Duomo' });

    await act(BISTRO, { kind: 'button', text: 'Track', message_id: 'msg-1' });
    expect(lastForm()).toMatchObject({ type: 'button', body: 'Track', button_text: 'Track', reply_to: 'msg-1' });
  });

  it('v1: a profile set to GET gets the fields in the query string', async () => {
    await sb.call('PUT', `/sandbox/kaleyra/numbers/${BISTRO}/callback-profile`, {
      json: { status_url: '', incoming_url: `${sb.receiver.url}/in/v1`, username: 'u', password: 'p', incoming_method: 'GET' },
    });
    await act(BISTRO, { kind: 'text', text: 'Ciao' });
    const request = sb.receiver.requests.at(-1)!;
    expect(request.method).toBe('GET');
    expect(Object.fromEntries(new URL(request.url, 'http://x').searchParams)).toMatchObject({
      type: 'text',
      body: 'Ciao',
      wanumber: BISTRO,
    });
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('a file the customer picks is sent as multipart and reported back when the app refuses it', async () => {
    sb.receiver.setStatus(401);
    const form = new FormData();
    form.set('business', `+${ACME}`);
    form.set('customer', CUSTOMER);
    form.set('file', new Blob([Buffer.from('hello')], { type: 'text/plain' }), 'note.txt');
    const res = await fetch(`${sb.url}/sandbox/phone/media`, { method: 'POST', body: form });
    expect(res.status).toBe(502);
    expect(lastJson()).toMatchObject({ type: 'document', document: { filename: 'note.txt', mime_type: 'text/plain' } });
    const view = await sb.call('GET', `/sandbox/phone/conversation?business=%2B${ACME}&customer=${encodeURIComponent(CUSTOMER)}`);
    expect(view.body.messages[0]).toMatchObject({ direction: 'out', delivered: false, media: { filename: 'note.txt' } });
  });

  it('refuses bad input with problem+json naming the field', async () => {
    const res = await act(ACME, { kind: 'reaction', emoji: '👍' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('message_id');
    expect((await act('15550000000', { kind: 'text', text: 'hi' })).status).toBe(404);
  });
});

describe('media the business sends reaches the phone', () => {
  it('v2 image link and v1 multipart document are recorded with what the phone shows', async () => {
    const v2 = await sb.call('POST', `/v2/HXSANDBOX01/whatsapp/${ACME}/messages`, {
      headers: KEY,
      json: {
        messaging_object: {
          messaging_product: 'whatsapp',
          to: CUSTOMER,
          type: 'image',
          image: { link: 'https://cdn.example/p.png', caption: 'Here' },
        },
      },
    });
    expect(v2.status).toBe(202);
    const missing = await sb.call('POST', `/v2/HXSANDBOX01/whatsapp/${ACME}/messages`, {
      headers: KEY,
      json: { messaging_object: { messaging_product: 'whatsapp', to: CUSTOMER, type: 'document' } },
    });
    expect(missing.status).toBe(400);

    const form = new FormData();
    for (const [k, v] of Object.entries({ from: `+${BISTRO}`, to: CUSTOMER, channel: 'whatsapp', type: 'media', caption: 'Menu' }))
      form.set(k, v);
    form.set('media', new Blob([Buffer.from('%PDF-1.4 menu')], { type: 'application/pdf' }), 'menu.pdf');
    const v1 = await fetch(`${sb.url}/v1/HXSANDBOX01/messages`, { method: 'POST', headers: KEY, body: form });
    expect(v1.status).toBe(202);

    const acme = await sb.call('GET', `/sandbox/phone/conversation?business=%2B${ACME}&customer=${encodeURIComponent(CUSTOMER)}`);
    expect(acme.body.messages[0]).toMatchObject({
      kind: 'media',
      media: { kind: 'image', link: 'https://cdn.example/p.png', caption: 'Here' },
    });
    const bistro = await sb.call('GET', `/sandbox/phone/conversation?business=%2B${BISTRO}&customer=${encodeURIComponent(CUSTOMER)}`);
    const doc = bistro.body.messages[0];
    expect(doc).toMatchObject({ kind: 'media', media: { kind: 'document', filename: 'menu.pdf', caption: 'Menu' } });
    expect(await (await fetch(doc.media.link)).text()).toBe('%PDF-1.4 menu');
  });

  it('the agent’s upload_file gives a CDN URL a file event accepts', async () => {
    const { body: token } = await sb.call('POST', '/sandbox/tokens', { json: { organization: '10001', role: 'agent' } });
    const form = new FormData();
    form.set('file', new Blob([Buffer.from('img')], { type: 'image/png' }), 'shot.png');
    const upload = await fetch(`${sb.url}/v3.6/agent/action/upload_file`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}` },
      body: form,
    });
    const { url } = (await upload.json()) as { url: string };
    expect(url).toMatch(/\/cdn\/api\/file\/lc\/att\/10001\/[0-9a-f]+\/shot\.png$/);
    const unauthorised = await fetch(`${sb.url}/v3.6/agent/action/upload_file`, { method: 'POST', body: form });
    expect(unauthorised.status).toBe(401);
    await eventually(async () => (await fetch(url)).ok);
  });
});
