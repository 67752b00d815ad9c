import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../../../sandbox/src/app.ts';
import { postOk } from '../../test/process-kit.ts';
import { KaleyraClient } from './kaleyra.client.ts';
import { ProviderError, type SendRequest } from './kaleyra.port.ts';

const ACME = '+48221234567'; // v2 in the sandbox seed
const BISTRO = '+390212345678'; // v1

describe('Kaleyra client against the sandbox (real wire formats)', () => {
  let sandbox: Sandbox;
  let url: string;
  let client: KaleyraClient;
  const control = (path: string, body: unknown) => postOk(`${url}${path}`, body);
  /** A v2 send of the seeded `login_code` template from Acme's number. */
  const loginCode = (to: string, o: { ref?: string; code?: string } = {}): SendRequest => ({
    apiVersion: 'v2',
    from: ACME,
    to,
    ref: o.ref ?? crypto.randomUUID(),
    message: { kind: 'template', name: 'login_code', language: 'en_US', params: [o.code ?? '1'] },
  });
  const sent = async (query: string) => (await (await fetch(`${url}/sandbox/kaleyra/messages?${query}`)).json()) as any;

  beforeAll(async () => {
    sandbox = createSandbox({ log: false, kaleyraCallbackDelayMs: 10_000, timeoutHangMs: 2_000 });
    ({ url } = await sandbox.listen(0, '127.0.0.1'));
    client = new KaleyraClient({ baseUrl: url, sid: 'HXSANDBOX01', apiKey: 'sandbox-kaleyra-key', timeoutMs: 800, maxAttempts: 3 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('v2: sends a Meta template object as JSON with our ref', async () => {
    const ref = crypto.randomUUID();
    const r = await client.send({
      apiVersion: 'v2',
      from: ACME,
      to: '+34612345678',
      ref,
      message: { kind: 'template', name: 'order_shipped', language: 'en_US', params: ['Maria', '#1, with comma', 'Friday'] },
    });
    expect(r.providerMessageId).toBeTruthy();
    const list = await sent(`ref=${ref}`);
    const m = (list.messages ?? list)[0];
    expect(m).toMatchObject({ api_version: 'v2', template_name: 'order_shipped', ref });
    expect(m.params).toEqual(['Maria', '#1, with comma', 'Friday']);
  });

  it('v1: sends form-encoded fields with the callback URL', async () => {
    const r = await client.send({
      apiVersion: 'v1',
      from: BISTRO,
      to: '+393331234567',
      ref: crypto.randomUUID(),
      callbackUrl: 'http://org:secret@127.0.0.1:9/cb',
      message: { kind: 'template', name: 'login_code', language: 'en_US', params: ['4321'] },
    });
    const list = await sent(`to=${encodeURIComponent('+393331234567')}`);
    const m = (list.messages ?? list).find((x: any) => x.id === r.providerMessageId);
    expect(m).toMatchObject({ api_version: 'v1', template_name: 'login_code' });
    expect(m.params).toEqual(['4321']);
  });

  it('WA401: a v1 number called through v2 is refused and not retried', async () => {
    const err = await client
      .send({ apiVersion: 'v2', from: BISTRO, to: '+393331234567', ref: crypto.randomUUID(), message: { kind: 'text', body: 'x' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'WA401', retryable: false });
  });

  it('429 is retried with backoff and then succeeds', async () => {
    await control('/sandbox/kaleyra/fail-next', { mode: 'http429', number: ACME, count: 2 });
    const r = await client.send(loginCode('+34612000001'));
    expect(r.providerMessageId).toBeTruthy();
  });

  it('gives up after the attempts run out and says the failure is retryable', async () => {
    await control('/sandbox/kaleyra/fail-next', { mode: 'WA500', number: ACME, count: 3 });
    const err = await client.send(loginCode('+34612000002')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'WA500', retryable: true });
  });

  it('E110 (Kaleyra balance) is not retried', async () => {
    await control('/sandbox/kaleyra/fail-next', { mode: 'E110', number: ACME, count: 1 });
    const err = await client.send(loginCode('+34612000003')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E110', retryable: false });
    // The next send goes through: the injection was consumed once, not retried into.
    await expect(client.send(loginCode('+34612000003'))).resolves.toHaveProperty('providerMessageId');
  });

  it('a v2 timeout is retried with the same ref and Kaleyra de-duplicates it', async () => {
    await control('/sandbox/kaleyra/fail-next', { mode: 'timeout', number: ACME, count: 1 });
    const ref = crypto.randomUUID();
    const r = await client.send(loginCode('+34612000004', { ref, code: '9' }));
    expect(r.providerMessageId).toBeTruthy();
    const list = await sent(`ref=${ref}`);
    expect((list.messages ?? list).length).toBe(1);
  });

  it('lists templates in our shape, with rejection reasons', async () => {
    const list = await client.listTemplates('v2', 'waba-acme-001');
    const shipped = list.find((t) => t.name === 'order_shipped');
    expect(shipped).toMatchObject({ category: 'utility', status: 'approved', header: 'Order update' });
    expect(shipped?.buttons.map((b) => b.text)).toContain('Stop');
    const rejected = list.find((t) => t.name === 'crypto_promo');
    expect(rejected?.status).toBe('rejected');
    expect(rejected?.rejectedReason).toMatch(/promotional/i);
  });
});
