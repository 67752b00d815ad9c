import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedRelayFromSandbox } from '../../dev/seed-relay.ts';
import { createLogger } from '../../lib/logger.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, type Stack } from '../../test/stack.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const OPERATOR = 'relay-operator:relay-operator-secret-0123456789';

describe.each(DB_KINDS)('WhatsApp chats in LiveChat: setup and operators (%s)', (kind) => {
  let s: Stack;
  const ops = (path: string, init: { method?: string; body?: unknown } = {}, credential: string | null = OPERATOR) =>
    fetch(`${s.bffUrl}/ops${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(credential ? { authorization: `Basic ${Buffer.from(credential).toString('base64')}` } : {}),
        'content-type': 'application/json',
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const registeredUrls = async () =>
    (await s.sandboxControl<{ webhooks: { action: string; url: string }[] }>('/sandbox/livechat/webhooks')).webhooks.filter(
      (w) => w.url === `${s.bffUrl}/webhooks/livechat-chat`,
    );

  beforeAll(async () => {
    s = await startStack(kind, { env: { OPS_CREDENTIALS: OPERATOR } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a refused authorization code changes nothing and names the field', async () => {
    const owner = await s.token(s.orgs[0]!, 'owner');
    const r = await s.api(owner, '/api/relay/authorization', { body: { code: 'not-a-code', redirectUri: `${s.bffUrl}/widget/` } });
    expect(r.status).toBe(502);
    expect(r.body.code).toBe('upstream_refused');
    expect((await s.api(owner, '/api/relay')).body.authorization.status).toBe('not_connected');
    expect((await s.api(owner, '/api/relay/groups')).status).toBe(409);
  });

  it('the dev seed connects every business, turns the relay on for its numbers and registers the webhooks once', async () => {
    const log = createLogger('silent');
    await seedRelayFromSandbox({ sandboxUrl: s.sandboxUrl, services: s.services, config: s.config, log });
    await seedRelayFromSandbox({ sandboxUrl: s.sandboxUrl, services: s.services, config: s.config, log });
    for (const org of s.orgs) {
      const status = await s.services.relay.status(org.id);
      expect(status.authorization.connected).toBe(true);
      expect(status.numbers.length).toBeGreaterThan(0);
      expect(status.numbers.every((n) => n.status === 'active' && n.groupId === 0)).toBe(true);
    }
    expect((await registeredUrls()).map((w) => w.action).sort()).toEqual(['chat_deactivated', 'incoming_event']);
  });

  it('operators list, unregister and register the chat webhooks; nobody else can', async () => {
    const organizationId = s.orgs[0]!.id;
    expect((await ops(`/livechat-webhooks?organizationId=${organizationId}`, {}, null)).status).toBeGreaterThanOrEqual(401);
    const listed = await ops(`/livechat-webhooks?organizationId=${organizationId}`);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { webhooks: unknown[] }).webhooks).toHaveLength(2);
    const removed = (await (await ops('/livechat-webhooks/unregister', { body: { organizationId } })).json()) as { removed: string[] };
    expect(removed.removed).toHaveLength(2);
    expect(await registeredUrls()).toHaveLength(0);
    const registered = (await (await ops('/livechat-webhooks/register', { body: { organizationId } })).json()) as { registered: string[] };
    expect(registered.registered).toHaveLength(2);
    // Registering again adds nothing: one registration per Client ID.
    const again = (await (await ops('/livechat-webhooks/register', { body: { organizationId } })).json()) as { registered: string[] };
    expect(again.registered).toHaveLength(0);
    expect(await registeredUrls()).toHaveLength(2);
  });

  it('when LiveChat refuses the refresh token, owners see Reconnect', async () => {
    const org = s.orgs[1]!;
    const owner = await s.token(org, 'owner');
    const email = org.accounts.find((a) => a.role === 'owner')!.email;
    const redirectUri = `${s.bffUrl}/widget/`;
    // An access token that lapses at once, so the next call renews it with the refresh token LiveChat now refuses.
    const { code } = await s.sandboxControl<{ code: string }>('/sandbox/oauth/grant', {
      email,
      response_type: 'code',
      redirect_uri: redirectUri,
      expires_in: 60,
    });
    expect((await s.api(owner, '/api/relay/authorization', { body: { code, redirectUri } })).status).toBe(200);
    await s.sandboxControl('/sandbox/oauth/revoke-refresh-tokens', { organization: org.id });
    expect((await s.api(owner, '/api/relay/groups')).status).toBe(409);
    const status = (await s.api(owner, '/api/relay')).body;
    expect(status.authorization).toMatchObject({ status: 'reconnect_needed', connected: false });
    expect(status.numbers.every((n: { status: string }) => n.status === 'reconnect_needed')).toBe(true);
    // Reconnecting restores it.
    const fresh = await s.sandboxControl<{ code: string }>('/sandbox/oauth/grant', {
      email,
      response_type: 'code',
      redirect_uri: redirectUri,
    });
    expect((await s.api(owner, '/api/relay/authorization', { body: { code: fresh.code, redirectUri } })).body.authorization.status).toBe(
      'connected',
    );
  });
});
