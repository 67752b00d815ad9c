import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../lib/test-helpers.ts';
import { ACME_ORG_ID, BISTRO_ORG_ID } from '../seed.ts';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('LiveChat Accounts', () => {
  it('mints a token whose /v2/info and /v2/accounts/me describe the seeded account', async () => {
    const minted = await sb.call('POST', '/sandbox/tokens', { json: { organization: ACME_ORG_ID, role: 'owner' } });
    expect(minted.status).toBe(200);
    expect(minted.body).toMatchObject({ account_id: expect.any(String), expires_in: 3600 });

    const info = await sb.call('GET', '/v2/info', { headers: bearer(minted.body.access_token) });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      account_id: minted.body.account_id,
      organization_id: ACME_ORG_ID,
      client_id: 'wa-livechat-app',
      token_type: 'Bearer',
      entity_id: minted.body.account_id,
    });
    expect(info.body.scope).toContain('billing_manage');
    expect(info.body.expires_in).toBeGreaterThan(3590);
    expect(Number.isInteger(info.body.expires_in)).toBe(true);
    expect(info.body).not.toHaveProperty('license_id');

    const me = await sb.call('GET', '/v2/accounts/me', { headers: bearer(minted.body.access_token) });
    expect(me.body).toMatchObject({
      email: 'olivia@acme.test',
      name: 'Olivia Owner',
      organization_id: ACME_ORG_ID,
      roles: [{ product: 'livechat', role: 'owner' }],
    });

    const agent = await sb.call('POST', '/sandbox/tokens', { json: { organization: BISTRO_ORG_ID, role: 'agent' } });
    const agentMe = await sb.call('GET', '/v2/accounts/me', { headers: bearer(agent.body.access_token) });
    expect(agentMe.body.roles[0].role).toBe('normal');
    expect(agentMe.body.email).toBe('bea@bistro.test');
  });

  it('rejects unknown, missing and expired tokens with invalid_token', async () => {
    const unknown = await sb.call('GET', '/v2/info', { headers: bearer('dal:nope') });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_token');
    expect((await sb.call('GET', '/v2/accounts/me')).status).toBe(401);

    for (const expiresIn of [0, -60]) {
      const expired = await sb.call('POST', '/sandbox/tokens', {
        json: { organization: ACME_ORG_ID, role: 'agent', expires_in: expiresIn },
      });
      const info = await sb.call('GET', '/v2/info', { headers: bearer(expired.body.access_token) });
      expect(info.status).toBe(401);
      expect(info.body).toMatchObject({ error: 'invalid_token', error_description: expect.stringMatching(/expired/i) });
    }
  });

  it('lets tests mint a foreign-client token and 404s unknown organizations', async () => {
    const foreign = await sb.call('POST', '/sandbox/tokens', {
      json: { organization: ACME_ORG_ID, role: 'owner', client_id: 'someone-else' },
    });
    const info = await sb.call('GET', '/v2/info', { headers: bearer(foreign.body.access_token) });
    expect(info.body.client_id).toBe('someone-else');

    const missing = await sb.call('POST', '/sandbox/tokens', { json: { organization: 'nope', role: 'owner' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('serves the sign-in page for authorize requests and grants tokens for the picked account', async () => {
    const page = await sb.call('GET', '/?response_type=token&client_id=wa-livechat-app&state=s1&redirect_uri=http%3A%2F%2Fw');
    expect(page.status).toBe(200);
    for (const email of ['olivia@acme.test', 'adam@acme.test', 'bruno@bistro.test', 'bea@bistro.test']) {
      expect(page.body).toContain(`data-account="${email}"`);
    }
    expect(page.body).toContain('window.opener.postMessage');

    const grant = await sb.call('POST', '/sandbox/oauth/grant', {
      json: { email: 'adam@acme.test', response_type: 'token', state: 's1', expires_in: 120 },
    });
    expect(grant.body).toMatchObject({ token_type: 'Bearer', expires_in: 120, state: 's1' });
    const info = await sb.call('GET', '/v2/info', { headers: bearer(grant.body.access_token) });
    expect(info.body.expires_in).toBeLessThanOrEqual(120);

    const code = await sb.call('POST', '/sandbox/oauth/grant', { json: { email: 'adam@acme.test', response_type: 'code' } });
    const exchanged = await sb.call('POST', '/v2/token', {
      form: {
        grant_type: 'authorization_code',
        code: code.body.code,
        client_id: 'wa-livechat-app',
        client_secret: 'sandbox-client-secret',
      },
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({ token_type: 'Bearer', organization_id: ACME_ORG_ID });
  });

  it('answers CORS preflights on the Accounts endpoints', async () => {
    const response = await fetch(`${sb.url}/v2/info`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-headers': 'authorization' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
