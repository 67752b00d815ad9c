import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { waitFor } from '../../test/stack.ts';
import { customer } from '../../test/campaign-test-kit.ts';
import { sendingSuite, sendTemplate } from '../../test/messaging-test-kit.ts';

/** The sidebar's flows against the real BFF and the sandbox: window, categories, opt-outs. */
describe.each(DB_KINDS)("WhatsApp's messaging rules on %s", (kind) => {
  const t = sendingSuite(kind);
  const { balance } = t;

  const template = (to: string, name = 'order_shipped', variables = ['Ann', '#1', 'Monday'], token = t.agent, from = t.numberId) =>
    sendTemplate(t.s, token, from, to, { templateName: name, variables });
  const text = (to: string, body = 'Your parcel is on its way', token = t.agent, from = t.numberId) =>
    t.s.api(token, '/api/messages', { body: { kind: 'text', numberId: from, to, text: body, clientRef: crypto.randomUUID() } });
  const status = async (to: string, token = t.agent, from = t.numberId) =>
    (await t.s.api(token, `/api/conversations/status?numberId=${from}&to=${encodeURIComponent(to)}`)).body;
  const quote = async (to: string, category: string) =>
    (await t.s.api(t.agent, `/api/conversations/quote?numberId=${t.numberId}&to=${encodeURIComponent(to)}&category=${category}`)).body;
  /** The customer writes to our number through Kaleyra's incoming webhook (v2 for Acme, v1 for Bistro). */
  const customerWrites = async (from: string, message: { body?: string; button_text?: string }, to = t.number) => {
    const r = await t.s.sandboxControl('/sandbox/kaleyra/incoming', { to, from, ...message });
    expect(r.delivered).toBe(true);
  };

  it('free text is refused before the customer writes; their message opens the 24-hour window for it', async () => {
    const to = customer();
    const closed = await status(to);
    expect(closed).toMatchObject({
      customerWindow: { open: false, lastMessageAt: null, closesAt: null },
      canSendText: false,
      canSendTemplates: true,
      optOut: null,
    });
    const refused = await text(to);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'window_closed' });
    expect(refused.body.detail).toMatch(/24 hours/);

    await customerWrites(to, { body: 'Hi, where is my order?' });
    const open = await status(to);
    expect(open.customerWindow.open).toBe(true);
    expect(open.canSendText).toBe(true);
    const closesIn = new Date(open.customerWindow.closesAt).getTime() - new Date(open.serverTime).getTime();
    expect(closesIn).toBeGreaterThan(24 * 3_600_000 - 60_000);
    expect(closesIn).toBeLessThanOrEqual(24 * 3_600_000);

    const start = await balance();
    const sent = await text(to);
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({ kind: 'text', category: 'service', templateName: null });
    expect(sent.body.openedConversation).toBe(true);
    expect(await balance()).toBe(start - 1);
    // The message reached Kaleyra as free text.
    const atKaleyra = (await t.s.sandboxControl(`/sandbox/kaleyra/messages?to=${encodeURIComponent(to)}`)).messages;
    expect(atKaleyra.map((m: any) => m.type)).toEqual(['text']);
  });

  it('the window is open 23:59:59 after the customer wrote and closed 24:00:01 after', async () => {
    const to = customer();
    await customerWrites(to, { body: 'hello' });
    const setLastMessage = (agoSeconds: number) =>
      t.s.database.query(`update customer_windows set last_inbound_at = now() - make_interval(secs => $1) where recipient = $2`, [
        agoSeconds,
        to,
      ]);

    await setLastMessage(23 * 3600 + 59 * 60 + 59 - 2); // 2 s of slack for the test itself
    expect((await status(to)).customerWindow.open).toBe(true);
    expect((await text(to)).status).toBe(201);

    await setLastMessage(24 * 3600 + 1);
    const after = await status(to);
    expect(after.customerWindow).toMatchObject({ open: false, closesAt: null });
    expect(after.customerWindow.lastMessageAt).not.toBeNull();
    const refused = await text(to);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('window_closed');
    // Templates still go.
    expect((await template(to)).status).toBe(201);
  });

  it('conversations are counted per (number, recipient, category); free text rides on any open one', async () => {
    const to = customer();
    const start = await balance();
    expect((await template(to, 'spring_sale', ['Ann', '20%'])).body.openedConversation).toBe(true);
    expect((await template(to, 'order_shipped')).body.openedConversation).toBe(true);
    expect((await template(to, 'login_code', ['123456'])).body.openedConversation).toBe(true);
    expect((await template(to, 'appointment_reminder', ['Ann', 'Monday'])).body.openedConversation).toBe(false);
    expect(await balance()).toBe(start - 3);
    const st = await status(to);
    expect(st.openConversations.map((c: any) => c.category).sort()).toEqual(['authentication', 'marketing', 'utility']);

    // The customer answers: free text rides on an open conversation (any category) and costs nothing.
    await customerWrites(to, { body: 'thanks!' });
    const q = await quote(to, 'service');
    expect(q).toMatchObject({ opensConversation: false, cost: 0, ridesOn: expect.stringMatching(/marketing|utility|authentication/) });
    const reply = await text(to);
    expect(reply.body.openedConversation).toBe(false);
    expect(await balance()).toBe(start - 3);

    // 24 h later every conversation has ended: the next utility template opens (and pays for) a new one.
    await t.s.database.query(`update conversations set expires_at = now() - interval '1 second' where recipient = $1`, [to]);
    expect(await quote(to, 'utility')).toMatchObject({ opensConversation: true, cost: 1, ridesOn: null });
    expect((await template(to, 'order_shipped')).body.openedConversation).toBe(true);
    expect(await balance()).toBe(start - 4);
    // Free text inside the customer's window with no open conversation opens a service conversation.
    await t.s.database.query(`update conversations set expires_at = now() - interval '1 second' where recipient = $1`, [to]);
    expect((await text(to)).body).toMatchObject({ openedConversation: true, message: { category: 'service' } });
  });

  it('F.4: STOP opts the customer out; every later send is refused with a clear error; START opts back in', async () => {
    const to = customer();
    expect((await template(to)).status).toBe(201);
    await customerWrites(to, { body: ' Stop! ' });
    const st = await waitFor(
      () => status(to),
      (x) => x.optOut !== null,
    );
    expect(st).toMatchObject({ optOut: { source: 'keyword', reason: null }, canSendText: false, canSendTemplates: false });

    const start = await balance();
    const refused = await template(to);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('opted_out');
    expect(refused.body.detail).toMatch(/opted out/);
    expect(refused.body.detail).toMatch(/STOP/);
    // Even inside the window the customer just opened by writing STOP.
    expect((await text(to)).body.code).toBe('opted_out');
    expect(await balance()).toBe(start);
    expect((await t.s.sandboxControl(`/sandbox/kaleyra/messages?to=${encodeURIComponent(to)}`)).messages).toHaveLength(1);

    await customerWrites(to, { body: 'START' });
    await waitFor(
      () => status(to),
      (x) => x.optOut === null,
    );
    expect((await template(to)).status).toBe(201);
  });

  it('F.4: the Stop quick-reply button opts out, and so do keywords in other languages on a v1 number', async () => {
    const to = customer();
    await customerWrites(to, { button_text: 'Stop' });
    expect((await status(to)).optOut).toMatchObject({ source: 'button' });
    expect((await template(to)).body.code).toBe('opted_out');

    const italian = '+393331000001';
    await customerWrites(italian, { body: 'ARRÊT' }, t.other.number);
    expect((await status(italian, t.other.agent, t.other.numberId)).optOut).toMatchObject({ source: 'keyword' });
    const r = await template(italian, 'table_booking', ['Ann', '2', '20:00'], t.other.agent, t.other.numberId);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('opted_out');
  });

  it('F.4: an ordinary message mentioning stop is not an opt-out; opt-outs are per organization', async () => {
    const to = customer();
    await customerWrites(to, { body: "please don't stop the delivery" });
    expect((await status(to)).optOut).toBeNull();
    await customerWrites(to, { body: 'unsubscribe' });
    expect((await status(to)).optOut).not.toBeNull();
    // Acme's suppression list does not bind Bistro.
    const bistro = await template(to, 'table_booking', ['Ann', '2', '20:00'], t.other.agent, t.other.numberId);
    expect(bistro.status).toBe(201);
  });

  it("F.4: START does not undo an owner's suppression", async () => {
    const to = customer();
    expect(
      (await t.s.api(t.owner, '/api/opt-outs', { body: { recipient: to, reason: 'Asked by phone not to be contacted' } })).status,
    ).toBe(201);
    expect((await template(to)).body.code).toBe('opted_out');
    await customerWrites(to, { body: 'start' });
    expect((await status(to)).optOut).toMatchObject({ source: 'manual', reason: 'Asked by phone not to be contacted' });
    expect((await template(to)).body.detail).toMatch(/Asked by phone/);
  });
});

describe('which categories draw from the package is configuration', () => {
  const t = sendingSuite('pglite', { env: { CHARGED_CATEGORIES: 'marketing,utility,authentication' } });

  it('with service free, a reply in the window opens a service conversation that costs nothing', async () => {
    const to = customer();
    await t.s.sandboxControl('/sandbox/kaleyra/incoming', { to: t.number, from: to, body: 'hi' });
    const start = await t.balance();
    const q = (await t.s.api(t.agent, `/api/conversations/quote?numberId=${t.numberId}&to=${encodeURIComponent(to)}&category=service`))
      .body;
    expect(q).toMatchObject({ opensConversation: true, cost: 0 });
    const r = await t.s.api(t.agent, '/api/messages', {
      body: { kind: 'text', numberId: t.numberId, to, text: 'hello', clientRef: crypto.randomUUID() },
    });
    expect(r.body).toMatchObject({ openedConversation: true, message: { category: 'service', conversationsSpent: 0 } });
    expect(await t.balance()).toBe(start);
    const u = await t.send(to, { variables: ['a', 'b', 'c'] });
    expect(u.body.openedConversation).toBe(true);
    expect(await t.balance()).toBe(start - 1);
  });
});
