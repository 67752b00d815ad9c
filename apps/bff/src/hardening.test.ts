import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrganization } from './modules/organizations/organizations.repo.ts';
import { startStack, waitFor, type Stack } from './test/stack.ts';

describe('hardening', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack('pglite', {
      env: { RATE_LIMIT_PER_MINUTE: '8', FRAME_ANCESTORS: 'https://my.livechatinc.com http://localhost:4010' },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('L.10: one organization hitting its rate limit does not slow down another', async () => {
    const a = await s.token(s.orgs[0]!, 'agent');
    const b = await s.token(s.orgs[1]!, 'agent');
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await s.api(a, '/api/balance')).status);
    expect(statuses.slice(0, 8).every((x) => x === 200)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    const limited = await s.api(a, '/api/balance');
    expect(limited.body.code).toBe('rate_limited');
    expect((await s.api(b, '/api/balance')).status).toBe(200);
  });

  it('L.10: only the configured agent app origins may frame the widget', async () => {
    const r = await fetch(`${s.bffUrl}/api/health`);
    const csp = r.headers.get('content-security-policy') ?? '';
    const ancestors = /frame-ancestors ([^;]+)/.exec(csp)?.[1]?.split(' ') ?? [];
    expect(ancestors.sort()).toEqual(["'self'", 'http://localhost:4010', 'https://my.livechatinc.com'].sort());
  });

  it('L.10: HSTS is sent behind TLS only', async () => {
    const plain = await fetch(`${s.bffUrl}/api/health`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const tls = await fetch(`${s.bffUrl}/api/health`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('L.10: tokens, API keys and webhook secrets never reach the logs', async () => {
    const bistro = s.orgs[1]!;
    const owner = await s.token(bistro, 'owner');
    const numberId = (await s.api(owner, '/api/numbers')).body.numbers[0].id;
    // v1: the callback URL we hand Kaleyra carries the organization's webhook secret.
    const sent = await s.api(owner, '/api/messages', {
      body: {
        kind: 'template',
        numberId,
        to: '+393339990001',
        templateName: 'login_code',
        language: 'en_US',
        variables: ['77'],
        clientRef: crypto.randomUUID(),
      },
    });
    expect(sent.status).toBe(201);
    await waitFor(
      async () => (await s.api(owner, `/api/messages?to=%2B393339990001`)).body.messages[0].status,
      (st) => st === 'read',
    );
    await s.sandboxControl('/sandbox/kaleyra/incoming', { to: bistro.whatsapp_numbers[0]!.number, from: '+393339990001', body: 'hi' });
    await s.api('forged-token-value-1234567890', '/api/balance');
    const org = await findOrganization(s.database.db, bistro.id);
    const logs = s.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      owner,
      'forged-token-value-1234567890',
      s.config.KALEYRA_API_KEY,
      s.config.APP_WEBHOOK_SECRET,
      org!.webhookSecret,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
