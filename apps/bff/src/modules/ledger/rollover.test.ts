import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, type SandboxOrg, type Stack } from '../../test/stack.ts';

let seq = 0;
const customer = () => `+4860${String(4_100_000 + ++seq * 7919).padStart(7, '0')}`;

/**
 * C.4: conversations a business does not use in a month are carried into the next, until they are used or the
 * business loses access. Nothing in the product expires them: not the month changing, not the billing sync, not
 * the retention purge. The clock is faked (Date only) for the BFF and the sandbox, which run in this process.
 */
describe.each(DB_KINDS)('conversations roll over on %s', (kind) => {
  let s: Stack;
  let org: SandboxOrg;
  let numberId: string;

  const at = (iso: string) => vi.setSystemTime(new Date(iso));
  /** The BFF's own clock, as it tells the sidebar. */
  const serverTime = async () =>
    (await s.api(await agent(), `/api/conversations/status?numberId=${numberId}&to=${encodeURIComponent(customer())}`)).body
      .serverTime as string;
  const agent = () => s.token(org, 'agent');
  const balance = async () => (await s.api(await agent(), '/api/balance')).body.remaining as number;
  const ledger = async () => {
    const r = await s.api(await agent(), '/api/ledger?limit=200');
    expect(r.status).toBe(200);
    return (r.body.entries as { id: string; delta: number; reason: string }[]).map((e) => `${e.id}:${e.reason}:${e.delta}`).sort();
  };
  const send = async () => {
    const r = await s.api(await agent(), '/api/messages', {
      body: {
        kind: 'template',
        numberId,
        to: customer(),
        templateName: 'order_shipped',
        language: 'en_US',
        variables: ['Ann', '#1', 'Monday'],
        clientRef: crypto.randomUUID(),
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.openedConversation).toBe(true);
    return r.body.balance.remaining as number;
  };
  /** Everything that runs on a schedule and could take conversations away. */
  const runScheduledWork = async () => {
    await s.services.billingSync.sweep();
    await s.services.privacy.retention.purge();
  };

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    at('2027-01-31T21:00:00Z');
    s = await startStack(kind);
    org = s.orgs[0]!;
    numberId = (await s.api(await agent(), '/api/numbers')).body.numbers[0].id;
  });
  afterAll(async () => {
    await s?.close();
    vi.useRealTimers();
  });
  afterEach(() => {
    expect(vi.isFakeTimers()).toBe(true);
  });

  it('C.4: unused conversations roll over a month boundary and never expire', async () => {
    // January: the package is bought (seeded) and one conversation is used.
    expect(await serverTime()).toBe('2027-01-31T21:00:00.000Z');
    const bought = await balance();
    expect(bought).toBeGreaterThan(1);
    expect(await send()).toBe(bought - 1);
    const january = await ledger();

    // The month changes (in UTC and in Warsaw, Acme's time zone); scheduled work runs.
    at('2027-02-01T00:30:00Z');
    expect(await serverTime()).toBe('2027-02-01T00:30:00.000Z');
    await runScheduledWork();
    expect(await balance()).toBe(bought - 1);
    expect(await ledger()).toEqual(january);
    // January's conversations are spent in February like any other.
    expect(await send()).toBe(bought - 2);
    const february = await ledger();
    expect(february).toHaveLength(january.length + 1);

    // Another month boundary, then more than a year later: past every retention period.
    for (const later of ['2027-03-01T00:00:01Z', '2028-06-15T12:00:00Z']) {
      at(later);
      await runScheduledWork();
      expect(await balance(), later).toBe(bought - 2);
      expect(await ledger(), later).toEqual(february);
    }
    // And they still open conversations.
    expect(await send()).toBe(bought - 3);
  });
});
