import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookUrls } from '../../app.ts';
import { findOrganization } from '../organizations/organizations.service.ts';
import { dumpTables, startStack, waitFor, type Stack } from '../../test/stack.ts';
import { loginCodeSend } from '../../test/login-code-send.ts';

describe('Kaleyra webhooks are authenticated per organization', () => {
  let s: Stack;
  let acmeId: string;
  let bistroId: string;
  let messageId: string;
  let providerId: string;

  beforeAll(async () => {
    s = await startStack('pglite', { sandbox: { kaleyraCallbackDelayMs: 60_000 } });
    acmeId = s.orgs[0]!.id;
    bistroId = s.orgs[1]!.id;
    const owner = await s.token(s.orgs[0]!, 'owner');
    const numberId = (await s.api(owner, '/api/numbers')).body.numbers[0].id;
    const r = await s.api(owner, '/api/messages', { body: loginCodeSend(numberId, '+48601000777', '1') });
    expect(r.status).toBe(201);
    messageId = r.body.message.id;
    providerId = (
      await s.database.query<{ provider_message_id: string }>('select provider_message_id from messages where id = $1', [messageId])
    )[0]!.provider_message_id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const v2Status = (status: string, errors?: unknown[]) => ({
    meta_object: {
      value: {
        messaging_product: 'whatsapp',
        statuses: [
          {
            id: providerId,
            status,
            timestamp: String(Math.floor(Date.now() / 1000)),
            recipient_id: '48601000777',
            ...(errors ? { errors } : {}),
          },
        ],
      },
    },
    extra_info: { ref: messageId },
    status,
    message_id: providerId,
  });
  const post = (path: string, body: unknown, auth?: string) =>
    fetch(`${s.bffUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify(body),
    });
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  it('a forged status callback gets 401 and the database is unchanged', async () => {
    const before = await dumpTables(s.database);
    const attempts = [
      post(`/webhooks/kaleyra/${acmeId}/status`, v2Status('failed', [{ code: 131026 }])),
      post(`/webhooks/kaleyra/${acmeId}/status`, v2Status('failed', [{ code: 131026 }]), basic(acmeId, 'guessed-secret')),
      // Bistro's real secret does not open Acme's endpoint.
      findOrganization(s.database.db, bistroId).then((b) =>
        post(`/webhooks/kaleyra/${acmeId}/status`, v2Status('failed', [{ code: 131026 }]), basic(bistroId, b!.webhookSecret)),
      ),
      findOrganization(s.database.db, bistroId).then((b) =>
        post(`/webhooks/kaleyra/${acmeId}/incoming`, { from: '48601000777', body: 'STOP' }, basic(bistroId, b!.webhookSecret)),
      ),
      fetch(`${s.bffUrl}/webhooks/kaleyra/${acmeId}/status?id=${providerId}&status=failed`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await dumpTables(s.database)).toEqual(before);
  });

  it('a malformed callback with the right credentials gets 400 and changes nothing', async () => {
    const org = await findOrganization(s.database.db, acmeId);
    const before = await dumpTables(s.database);
    const res = await post(
      `/webhooks/kaleyra/${acmeId}/status`,
      { meta_object: { value: { statuses: [{ id: providerId, status: 'exploded' }] } } },
      basic(acmeId, org!.webhookSecret),
    );
    expect(res.status).toBe(400);
    const res2 = await post(`/webhooks/kaleyra/${acmeId}/incoming`, { nothing: true }, basic(acmeId, org!.webhookSecret));
    expect(res2.status).toBe(400);
    expect(await dumpTables(s.database)).toEqual(before);
  });

  it('an authentic v2 callback moves the status forward, and a stale one never moves it back', async () => {
    const org = await findOrganization(s.database.db, acmeId);
    const auth = basic(acmeId, org!.webhookSecret);
    expect((await post(`/webhooks/kaleyra/${acmeId}/status`, v2Status('read'), auth)).status).toBe(200);
    expect((await post(`/webhooks/kaleyra/${acmeId}/status`, v2Status('delivered'), auth)).status).toBe(200);
    const [row] = await s.database.query<{ status: string }>('select status from messages where id = $1', [messageId]);
    expect(row!.status).toBe('read');
  });

  it('an authentic v1 callback (GET with Basic auth built from the callback URL) is applied', async () => {
    const bistro = s.orgs[1]!;
    const owner = await s.token(bistro, 'owner');
    const numberId = (await s.api(owner, '/api/numbers')).body.numbers[0].id;
    const r = await s.api(owner, '/api/messages', { body: loginCodeSend(numberId, '+393331112222', '55') });
    expect(r.status).toBe(201);
    const org = await findOrganization(s.database.db, bistro.id);
    const urls = webhookUrls(s.config, org!);
    const [m] = await s.database.query<{ provider_message_id: string }>('select provider_message_id from messages where id = $1', [
      r.body.message.id,
    ]);
    const res = await fetch(`${urls.statusUrl}?id=${m!.provider_message_id}&status=delivered&created_at=${Math.floor(Date.now() / 1000)}`, {
      headers: { authorization: basic(bistro.id, org!.webhookSecret) },
    });
    expect(res.status).toBe(200);
    await waitFor(
      async () => (await s.database.query<{ status: string }>('select status from messages where id = $1', [r.body.message.id]))[0]!.status,
      (st) => st === 'delivered',
    );
  });
});
