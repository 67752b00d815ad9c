import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../test/stack.ts';
import { loginCodeSend } from '../../test/login-code-send.ts';

describe('auth middleware against LiveChat Accounts (sandbox)', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack('pglite');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses a request without a token with 401 problem+json', async () => {
    const r = await s.api(null, '/api/balance');
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('unauthenticated');
  });

  it('refuses an unknown token', async () => {
    const r = await s.api('not-a-real-token', '/api/balance');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthenticated');
  });

  it('refuses an expired token', async () => {
    const token = await s.token(s.orgs[0]!, 'agent', { expires_in: 0 });
    const r = await s.api(token, '/api/balance');
    expect(r.status).toBe(401);
    expect(['token_expired', 'unauthenticated']).toContain(r.body.code);
  });

  it("refuses a token issued to another application's client_id", async () => {
    const token = await s.token(s.orgs[0]!, 'owner', { client_id: 'someone-elses-app' });
    const r = await s.api(token, '/api/balance');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('foreign_client');
  });

  it('maps LiveChat roles: owner manages, agent does not', async () => {
    const owner = await s.api(await s.token(s.orgs[0]!, 'owner'), '/api/me');
    const agent = await s.api(await s.token(s.orgs[0]!, 'agent'), '/api/me');
    expect(owner.body).toMatchObject({ role: 'owner', canManage: true, organizationId: s.orgs[0]!.id });
    expect(agent.body).toMatchObject({ role: 'agent', canManage: false, organizationId: s.orgs[0]!.id });
  });

  it('caches a verified token until it expires instead of asking Accounts every time', async () => {
    const token = await s.token(s.orgs[1]!, 'agent');
    const before = s.accountsCalls.count;
    for (let i = 0; i < 5; i++) expect((await s.api(token, '/api/balance')).status).toBe(200);
    expect(s.accountsCalls.count - before).toBe(1);
  });

  it('keeps tenants apart: an agent of B cannot read or use anything of A', async () => {
    const [a, b] = s.orgs as [(typeof s.orgs)[0], (typeof s.orgs)[0]];
    const ownerA = await s.token(a!, 'owner');
    const agentB = await s.token(b!, 'agent');
    const numbersA = (await s.api(ownerA, '/api/numbers')).body.numbers as { id: string }[];
    const aNumber = numbersA[0]!.id;

    // A's data exists...
    const customer = '+48601000001';
    const sent = await s.api(ownerA, '/api/messages', { body: loginCodeSend(aNumber, customer, '1234') });
    expect(sent.status).toBe(201);

    // ...and B sees none of it.
    expect((await s.api(agentB, `/api/numbers/${aNumber}/templates`)).status).toBe(404);
    expect((await s.api(agentB, `/api/numbers/${aNumber}/templates/sync`, { method: 'POST' })).status).toBe(404);
    expect((await s.api(agentB, `/api/conversations/quote?numberId=${aNumber}&to=%2B48601000001&category=utility`)).status).toBe(404);
    const sendAsB = await s.api(agentB, '/api/messages', { body: loginCodeSend(aNumber, customer, '1') });
    expect(sendAsB.status).toBe(404);
    const listB = await s.api(agentB, `/api/messages?to=%2B48601000001`);
    expect(listB.status).toBe(200);
    expect(listB.body.messages).toEqual([]);
    const numbersB = (await s.api(agentB, '/api/numbers')).body.numbers as { id: string }[];
    expect(numbersB.map((n) => n.id)).not.toContain(aNumber);
    // B's balance did not move because of A's send; A's did.
    const balA = (await s.api(ownerA, '/api/balance')).body.remaining;
    const balB = (await s.api(agentB, '/api/balance')).body.remaining;
    expect(balA).toBe(499);
    expect(balB).toBe(500);
  });

  it('never writes a token into the logs', async () => {
    const token = await s.token(s.orgs[0]!, 'agent');
    await s.api(token, '/api/balance');
    await s.api(`${token}x`, '/api/balance');
    expect(s.logs.join('\n')).not.toContain(token);
  });
});
