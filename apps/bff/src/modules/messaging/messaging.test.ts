import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { expectLedgerInvariant } from '../../test/ledger-invariant.ts';
import { waitFor } from '../../test/stack.ts';
import { customer } from '../../test/campaign-test-kit.ts';
import { sendingSuite } from '../../test/messaging-test-kit.ts';

describe.each(DB_KINDS)('one-on-one sending on %s', (kind) => {
  const t = sendingSuite(kind);
  const { send, balance, history } = t;
  const atSandbox = async (to: string) =>
    ((await t.s.sandboxControl(`/sandbox/kaleyra/messages?to=${encodeURIComponent(to)}`)) as any).messages ?? [];

  it('C.2: the first send opens a conversation and spends one; the next within 24 h is free', async () => {
    const to = customer();
    const start = await balance();
    const quote1 = await t.s.api(t.agent, `/api/conversations/quote?numberId=${t.numberId}&to=${encodeURIComponent(to)}&category=utility`);
    expect(quote1.body).toMatchObject({ opensConversation: true, cost: 1, remaining: start });
    const first = await send(to);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ openedConversation: true, balance: { remaining: start - 1 } });
    const quote2 = await t.s.api(t.agent, `/api/conversations/quote?numberId=${t.numberId}&to=${encodeURIComponent(to)}&category=utility`);
    expect(quote2.body).toMatchObject({ opensConversation: false, cost: 0 });
    const second = await send(to);
    expect(second.body).toMatchObject({ openedConversation: false, balance: { remaining: start - 1 } });
    // Status callbacks arrive from the sandbox: sent → delivered → read.
    const final = await waitFor(
      () => history(to),
      (list) => list.length === 2 && list.every((m) => m.status === 'read'),
    );
    expect(final.find((m) => m.id === first.body.message.id).timeline.map((e: any) => e.status)).toEqual([
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
    await expectLedgerInvariant(t.s.database.db);
  });

  it('C.2: concurrent sends to a new customer open exactly one conversation', async () => {
    const to = customer();
    const start = await balance();
    const results = await Promise.all(Array.from({ length: 8 }, () => send(to)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(results.filter((r) => r.body.openedConversation)).toHaveLength(1);
    expect(await balance()).toBe(start - 1);
    await expectLedgerInvariant(t.s.database.db);
  });

  it('C.2: an opening message that is never sent gives its conversation back', async () => {
    const to = customer();
    const start = await balance();
    await t.failNext('not-sent');
    const r = await send(to);
    expect(r.status).toBe(201);
    // The send spent one (the response says so); the not-sent callback may already have given it back.
    expect(r.body.openedConversation).toBe(true);
    const [m] = await waitFor(
      () => history(to),
      (list) => list[0]?.status === 'not_sent',
    );
    expect(m.errorMessage).toMatch(/never reached WhatsApp/);
    expect(m.conversationsSpent).toBe(0);
    expect(await balance()).toBe(start);
    const ledger = (await t.s.api(t.agent, '/api/ledger')).body.entries as any[];
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
    await t.failNext('E110');
    const r = await send(to);
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ code: 'provider_error', providerCode: 'E110' });
    expect(r.body.detail).toMatch(/run out of credit/);
    expect(await balance()).toBe(start);
  });

  it('a failed opener whose window already carries another live message keeps the conversation', async () => {
    const to = customer();
    const start = await balance();
    await t.failNext('131026');
    await send(to);
    await send(to);
    await waitFor(
      () => history(to),
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
    const text = await t.s.api(t.agent, '/api/messages', {
      body: { kind: 'text', numberId: t.numberId, to, text: 'hello', clientRef: crypto.randomUUID() },
    });
    expect(text.status).toBe(409);
    expect(text.body.code).toBe('window_closed');
    expect(await atSandbox(to)).toHaveLength(0);
  });

  it('a number whose plan is not active cannot send, and says why', async () => {
    await t.s.database.query(`update numbers set plan_status = 'past_due' where id = $1`, [t.numberId]);
    try {
      const r = await send(customer());
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('number_not_active');
      expect(r.body.detail).toMatch(/overdue/);
      const numbers = (await t.s.api(t.agent, '/api/numbers')).body.numbers;
      expect(numbers[0]).toMatchObject({ canSend: false, planStatus: 'past_due' });
    } finally {
      await t.s.database.query(`update numbers set plan_status = 'active' where id = $1`, [t.numberId]);
    }
  });
});
