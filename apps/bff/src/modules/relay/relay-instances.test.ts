import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chatStoreOf } from '../../../../sandbox/src/livechat/chat-store.ts';
import { startStack, type Stack } from '../../test/stack.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import * as kit from '../../test/relay-test-kit.ts';
import { keyOf, lockCustomerClaims } from './relay-queue.ts';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const CUSTOMERS = 6;

/**
 * Two BFF instances with workers on one PostgreSQL, as production runs them behind a load balancer: instance B talks
 * to instance A's LiveChat and Kaleyra (one sandbox), and both seal with one key.
 */
describe.each(DB_KINDS.filter((k) => k === 'postgres'))('WhatsApp chats in LiveChat on two instances (%s)', (kind) => {
  let a: Stack;
  let b: Stack;
  let f: kit.RelayFixture;
  beforeAll(async () => {
    const key = randomBytes(32).toString('hex');
    a = await startStack(kind, { workers: true, env: { BILLING_TOKEN_KEY: key } });
    f = await kit.connectRelay(a, a.orgs[0]!);
    b = await startStack(kind, {
      workers: true,
      seed: false,
      database: a.database,
      env: {
        BILLING_TOKEN_KEY: key,
        LIVECHAT_API_URL: a.sandboxUrl,
        LIVECHAT_ACCOUNTS_URL: a.sandboxUrl,
        LIVECHAT_BILLING_URL: a.sandboxUrl,
        KALEYRA_BASE_URL: a.sandboxUrl,
      },
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('two first messages of a new customer reaching both instances at once make one identity and one chat, in order', async () => {
    const v2 = f.numbers.find((n) => n.apiVersion === 'v2')!;
    const customers = new LiveChatCustomers(a);
    // Several customers at once, each writing their first two messages, one to each instance at the same moment.
    const people = Array.from({ length: CUSTOMERS }, () => ({ phone: kit.freshCustomer(), texts: ['first', 'second'] }));
    await Promise.all(
      people.map(async (p) => {
        const answers = await Promise.all(
          p.texts.map((text, i) =>
            kit.postIncoming(
              [a, b][i]!,
              f.org,
              kit.v2Incoming(v2, p.phone, { id: `wamid.${randomUUID()}`, type: 'text', text: { body: `${p.phone} ${text}` } }),
            ),
          ),
        );
        expect(answers.map((r) => r.status)).toEqual([200, 200]);
      }),
    );
    for (const p of people) {
      const settled = await kit.settledInbound(a, p.phone, 2);
      expect(settled.map((r) => r.status)).toEqual(['posted', 'posted']);
      expect(await a.database.query('select 1 from relay_identities where customer = $1', [p.phone])).toHaveLength(1);
      expect(await kit.chatsOf(a, f.org, p.phone)).toHaveLength(1);
      // In the order the instances took them (their claims' sequence), whichever instance relayed which.
      const taken = await a.database.query<{ event_id: string }>('select event_id from relay_inbound where customer = $1 order by seq', [
        p.phone,
      ]);
      const events = await kit.chatEvents(a, f.org, p.phone);
      expect(events.map((e) => e.id)).toEqual(taken.map((t) => t.event_id));
      expect(events.map((e) => e.text).sort()).toEqual(p.texts.map((t) => `${p.phone} ${t}`).sort());
    }
    // LiveChat made one customer identity per customer: no grant was made and then thrown away.
    expect(customers.madeSince()).toHaveLength(CUSTOMERS);
  });

  it("a customer's message is claimed only once the claim of their message before it is stored: their order is the commit order", async () => {
    const v2 = f.numbers.find((n) => n.apiVersion === 'v2')!;
    const phone = kit.freshCustomer();
    const first = `wamid.${randomUUID()}`;
    const second = `wamid.${randomUUID()}`;
    const message = (id: string, text: string) => kit.v2Incoming(v2, phone, { id, type: 'text', text: { body: `${phone} ${text}` } });
    const claimed = async (id: string) =>
      (await a.database.query('select 1 from relay_inbound where provider_message_id = $1', [id])).length > 0;
    let secondAnswer: Promise<{ status: number }> | undefined;
    // The first message's claim is being stored on instance A (its transaction holds the customer's claim lock)...
    await a.database.db.transaction(async (tx) => {
      await lockCustomerClaims(tx, keyOf(v2.id, phone));
      await tx.execute(sql`insert into relay_inbound (provider_message_id, organization_id, number_id, customer, type)
        values (${first}, ${f.org.id}, ${v2.id}, ${phone}, 'text')`);
      // ...when the second reaches instance B: its claim waits, so it cannot be stored (or relayed) ahead of the first.
      secondAnswer = kit.postIncoming(b, f.org, message(second, 'second'));
      await new Promise((r) => setTimeout(r, 500));
      expect(await claimed(second)).toBe(false);
    });
    expect((await secondAnswer!).status).toBe(200);
    const order = await a.database.query<{ provider_message_id: string }>(
      'select provider_message_id from relay_inbound where customer = $1 order by seq',
      [phone],
    );
    expect(order.map((r) => r.provider_message_id)).toEqual([first, second]);
    // Kaleyra delivers the first message again (its claim was stored, its job was not): both reach the chat, in order.
    expect((await kit.postIncoming(a, f.org, message(first, 'first'))).status).toBe(200);
    expect((await kit.settledInbound(a, phone, 2)).map((r) => r.status)).toEqual(['posted', 'posted']);
    expect((await kit.chatEvents(a, f.org, phone)).map((e) => e.text)).toEqual([`${phone} first`, `${phone} second`]);
  });
});

/** The customer identities the sandbox's LiveChat made since this was created. */
class LiveChatCustomers {
  private readonly before: Set<string>;
  constructor(private readonly s: Stack) {
    this.before = new Set(chatStoreOf(s.sandbox.ctx.state).customers.keys());
  }

  madeSince(): string[] {
    return [...chatStoreOf(this.s.sandbox.ctx.state).customers.keys()].filter((id) => !this.before.has(id));
  }
}
