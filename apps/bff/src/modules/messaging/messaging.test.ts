import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { expectLedgerInvariant } from '../../test/ledger-invariant.ts';
import { startStack, waitFor, type Stack } from '../../test/stack.ts';

let seq = 0;
const customer = () => `+4860${String(2_000_000 + ++seq * 7919).padStart(7, '0')}`;

describe.each(DB_KINDS)('one-on-one sending on %s', (kind) => {
  let s: Stack;
  let agent: string;
  let numberId: string;
  let acmeNumber: string;
  const send = (to: string, extra: Record<string, unknown> = {}) =>
    s.api(agent, '/api/messages', {
      body: {
        kind: 'template',
        numberId,
        to,
        templateName: 'order_shipped',
        language: 'en_US',
        variables: ['Ann', '#1', 'Monday'],
        clientRef: crypto.randomUUID(),
        ...extra,
      },
    });
  const balance = async () => (await s.api(agent, '/api/balance')).body.remaining as number;
  const atSandbox = async (to: string) =>
    ((await s.sandboxControl(`/sandbox/kaleyra/messages?to=${encodeURIComponent(to)}`)) as any).messages ?? [];

  beforeAll(async () => {
    s = await startStack(kind);
    agent = await s.token(s.orgs[0]!, 'agent');
    const n = (await s.api(agent, '/api/numbers')).body.numbers[0];
    numberId = n.id;
    acmeNumber = n.number;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('C.2: the first send opens a conversation and spends one; the next within 24 h is free', async () => {
    const to = customer();
    const start = await balance();
    const quote1 = await s.api(agent, `/api/conversations/quote?numberId=${numberId}&to=${encodeURIComponent(to)}&category=utility`);
    expect(quote1.body).toMatchObject({ opensConversation: true, cost: 1, remaining: start });
    const first = await send(to);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ openedConversation: true, balance: { remaining: start - 1 } });
    const quote2 = await s.api(agent, `/api/conversations/quote?numberId=${numberId}&to=${encodeURIComponent(to)}&category=utility`);
    expect(quote2.body).toMatchObject({ opensConversation: false, cost: 0 });
    const second = await send(to);
    expect(second.body).toMatchObject({ openedConversation: false, balance: { remaining: start - 1 } });
    // Status callbacks arrive from the sandbox: sent → delivered → read.
    const final = await waitFor(
      async () => (await s.api(agent, `/api/messages?to=${encodeURIComponent(to)}`)).body.messages as any[],
      (list) => list.length === 2 && list.every((m) => m.status === 'read'),
    );
    expect(final.find((m) => m.id === first.body.message.id).timeline.map((t: any) => t.status)).toEqual([
      'queued',
      'accepted',
      'sent',
      'delivered',
      'read',
    ]);
    expect(final.find((m) => m.id === first.body.message.id).conversationsSpent).toBe(1);
  });

  it('a replayed clientRef never sends twice nor spends twice', async () => {
    const to = customer();
    const start = await balance();
    const clientRef = crypto.randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => send(to, { clientRef })));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.message.id)).size).toBe(1);
    expect(await atSandbox(to)).toHaveLength(1);
    expect(await balance()).toBe(start - 1);
    await expectLedgerInvariant(s.database.db);
  });

  it('C.2: concurrent sends to a new customer open exactly one conversation', async () => {
    const to = customer();
    const start = await balance();
    const results = await Promise.all(Array.from({ length: 8 }, () => send(to)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(results.filter((r) => r.body.openedConversation)).toHaveLength(1);
    expect(await balance()).toBe(start - 1);
    await expectLedgerInvariant(s.database.db);
  });

  it('C.2: an opening message that is never sent gives its conversation back', async () => {
    const to = customer();
    const start = await balance();
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'not-sent', number: acmeNumber });
    const r = await send(to);
    expect(r.status).toBe(201);
    // The send spent one (the response says so); the not-sent callback may already have given it back.
    expect(r.body.openedConversation).toBe(true);
    const [m] = await waitFor(
      async () => (await s.api(agent, `/api/messages?to=${encodeURIComponent(to)}`)).body.messages as any[],
      (list) => list[0]?.status === 'not_sent',
    );
    expect(m.errorMessage).toMatch(/never reached WhatsApp/);
    expect(m.conversationsSpent).toBe(0);
    expect(await balance()).toBe(start);
    const ledger = (await s.api(agent, '/api/ledger')).body.entries as any[];
    const opened = ledger.filter((e) => e.reason === 'conversation_opened');
    const released = ledger.filter((e) => e.reason === 'conversation_released');
    // The very conversation that was opened is the one given back, exactly once.
    const conversation = released.find((e) => opened.some((o) => o.reference === e.reference));
    expect(conversation).toBeTruthy();
    expect(released.filter((e) => e.reference === conversation.reference)).toHaveLength(1);
    // The next send to that customer opens (and pays for) a new conversation.
    const again = await send(to);
    expect(again.body.openedConversation).toBe(true);
  });

  it('a refused send (E110) spends nothing and explains itself in plain language', async () => {
    const to = customer();
    const start = await balance();
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'E110', number: acmeNumber });
    const r = await send(to);
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ code: 'provider_error', providerCode: 'E110' });
    expect(r.body.detail).toMatch(/run out of credit/);
    expect(await balance()).toBe(start);
  });

  it('a failed opener whose window already carries another live message keeps the conversation', async () => {
    const to = customer();
    const start = await balance();
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: '131026', number: acmeNumber });
    await send(to);
    await send(to);
    await waitFor(
      async () => (await s.api(agent, `/api/messages?to=${encodeURIComponent(to)}`)).body.messages as any[],
      (list) => list.some((m) => m.status === 'failed') && list.some((m) => m.status === 'read'),
    );
    expect(await balance()).toBe(start - 1);
  });

  it('refuses what WhatsApp would refuse, with the failing fields', async () => {
    const to = customer();
    const paused = await send(to, { templateName: 'winter_clearance', variables: [] });
    expect(paused.status).toBe(422);
    expect(paused.body.code).toBe('template_not_approved');
    const missing = await send(to, { variables: ['Ann', '', '  '] });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: any) => e.path)).toEqual(['variables.1', 'variables.2']);
    const badNumber = await send('+123', {});
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.errors[0].path).toBe('to');
    const text = await s.api(agent, '/api/messages', {
      body: { kind: 'text', numberId, to, text: 'hello', clientRef: crypto.randomUUID() },
    });
    expect(text.status).toBe(409);
    expect(text.body.code).toBe('window_closed');
    expect(await atSandbox(to)).toHaveLength(0);
  });

  it('a number whose plan is not active cannot send, and says why', async () => {
    await s.database.query(`update numbers set plan_status = 'past_due' where id = $1`, [numberId]);
    try {
      const r = await send(customer());
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('number_not_active');
      expect(r.body.detail).toMatch(/overdue/);
      const numbers = (await s.api(agent, '/api/numbers')).body.numbers;
      expect(numbers[0]).toMatchObject({ canSend: false, planStatus: 'past_due' });
    } finally {
      await s.database.query(`update numbers set plan_status = 'active' where id = $1`, [numberId]);
    }
  });
});
