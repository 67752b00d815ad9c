import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actors } from './modules/audit/audit.ts';
import { startStack, type Stack } from './test/stack.ts';
import { DB_KINDS } from './test/test-db.ts';

let seq = 0;
const customer = () => `+4860${String(4_000_000 + ++seq * 7919).padStart(7, '0')}`;

/** Two BFF instances on one database, as behind a load balancer. */
describe.each(DB_KINDS)('the request path across two instances on %s', (kind) => {
  const LIMIT = 12;
  let a: Stack;
  let b: Stack;

  beforeAll(async () => {
    // A long cache life: whatever instance B has cached stays cached for the whole test.
    const env = { RATE_LIMIT_PER_MINUTE: String(LIMIT), ORG_CACHE_TTL_MS: '60000' };
    a = await startStack(kind, { env });
    b = await startStack(kind, { env, database: a.database, seed: false });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('L.10: two instances together allow no more than the per-organization limit', async () => {
    const acme = a.orgs[0]!;
    const [ta, tb] = [await a.token(acme, 'agent'), await b.token(acme, 'agent')];
    const calls = Array.from({ length: 3 * LIMIT }, (_, i) => (i % 2 ? b.api(tb, '/api/catalog') : a.api(ta, '/api/catalog')));
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses.filter((st) => st === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((st) => st === 429)).toHaveLength(2 * LIMIT);
    const limited = await b.api(tb, '/api/catalog');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another organization's budget is its own, on either instance.
    const bistro = a.orgs[1]!;
    expect((await a.api(await a.token(bistro, 'agent'), '/api/catalog')).status).toBe(200);
    expect((await b.api(await b.token(bistro, 'agent'), '/api/catalog')).status).toBe(200);
  });

  it('F.2, J: a suspension and a revoked number take effect for the next send, even where the organization is cached', async () => {
    const bistro = a.orgs[1]!;
    const owner = await b.token(bistro, 'owner');
    const numberId = (await b.api(owner, '/api/numbers')).body.numbers[0].id as string;
    const send = () =>
      b.api(owner, '/api/messages', {
        body: {
          kind: 'template',
          numberId,
          to: customer(),
          templateName: 'login_code',
          language: 'en_US',
          variables: ['42'],
          clientRef: crypto.randomUUID(),
        },
      });
    // Instance B has the organization cached (active) from these requests.
    expect((await send()).status).toBe(201);

    // The operator suspends through instance A: B's cache is not told.
    await a.services.lifecycle.suspend(bistro.id, actors.operator('test-operator'), 'chargeback');
    const refused = await send();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('organization_suspended');
    await a.services.lifecycle.restore(bistro.id, actors.operator('test-operator'), null);
    expect((await send()).status).toBe(201);

    await a.services.lifecycle.setSendingRevoked(bistro.id, numberId, true, actors.operator('test-operator'), 'spam reports');
    const revoked = await send();
    expect(revoked.status).toBe(409);
    expect(revoked.body.code).toBe('sending_revoked');
    await a.services.lifecycle.setSendingRevoked(bistro.id, numberId, false, actors.operator('test-operator'), null);
    expect((await send()).status).toBe(201);
  });
});
