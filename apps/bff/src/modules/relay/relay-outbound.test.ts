import { randomUUID } from 'node:crypto';
import { expect, it, vi } from 'vitest';
import { describeProviderError } from '@wa/contracts';
import { waitFor } from '../../test/stack.ts';
import * as kit from '../../test/relay-test-kit.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

kit.describeRelay("agents' replies", (r) => {
  it("an agent's reply reaches the phone once, also when LiveChat delivers the webhook again", async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'hello?');
    const chatId = await kit.chatIdOf(s, f.org, customer);
    const eventId = await kit.agentReplies(s, f.agent, chatId, { type: 'message', text: 'Hi, how can I help?' });
    expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'sent' });
    const deliveries = await s.sandboxControl<{ deliveries: { body: { payload: { event: { id: string } } } }[] }>(
      '/sandbox/livechat/webhook-deliveries?action=incoming_event',
    );
    const delivery = deliveries.deliveries.find((d) => d.body.payload.event.id === eventId)!;
    const replay = await kit.postChatWebhook(s, delivery.body);
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { result: string }).result).toBe('replayed');
    await new Promise((r) => setTimeout(r, 300));
    const received = await kit.phoneReceived(s, v2.number, customer);
    expect(received.filter((m) => m.body === 'Hi, how can I help?')).toHaveLength(1);
    const [message] = await s.database.query<{ chat_id: string; kind: string }>(
      `select chat_id, kind from messages where client_ref = $1`,
      [`relay:${eventId}`],
    );
    expect(message).toEqual({ chat_id: chatId, kind: 'text' });
    // Kaleyra's delivered and read callbacks show in the chat: status.delivered, then seen by the customer.
    await waitFor(
      () => kit.chatEvents(s, f.org, customer),
      (ev) => ev.some((e) => e.id === eventId && e.properties?.status?.delivered === true),
    );
    const [chat] = await waitFor(
      () => kit.chatsOf(s, f.org, customer),
      (c) =>
        !!c[0]?.seen_up_to[c[0].customer.id] &&
        c[0].seen_up_to[c[0].customer.id]! > c[0].threads[0]!.events.find((e) => e.id === eventId)!.created_at,
    );
    expect(chat).toBeDefined();
    // Kaleyra was given the LiveChat event id as the ref, and the callbacks carrying it moved the reply to read.
    const atKaleyra = await s.sandboxControl<{ messages: { body?: string }[] }>(
      `/sandbox/kaleyra/messages?ref=${encodeURIComponent(eventId)}`,
    );
    expect(atKaleyra.messages.map((m) => m.body)).toEqual(['Hi, how can I help?']);
    await waitFor(
      () => s.database.query<{ status: string }>('select status from messages where client_ref = $1', [`relay:${eventId}`]),
      (rows) => rows[0]?.status === 'read',
    );
  });

  it('agents-only notes, echoes of the customer and our own events are never sent to WhatsApp', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'hi');
    const chatId = await kit.chatIdOf(s, f.org, customer);
    const note = await kit.agentReplies(s, f.agent, chatId, { type: 'message', text: 'internal only', visibility: 'agents' });
    const [identity] = await s.database.query<{ entity_id: string }>('select entity_id from relay_identities where customer = $1', [
      customer,
    ]);
    const envelope = (event: Record<string, unknown>) => ({
      webhook_id: 'w',
      secret_key: s.config.LIVECHAT_CHAT_WEBHOOK_SECRET,
      action: 'incoming_event',
      organization_id: f.org.id,
      payload: {
        chat_id: chatId,
        thread_id: 'T',
        event: { created_at: new Date().toISOString(), visibility: 'all', properties: {}, ...event },
      },
      additional_data: {},
    });
    for (const event of [
      { id: 'echo_1', type: 'message', text: 'echo', author_id: identity!.entity_id },
      { id: 'own_1', type: 'message', text: 'own', author_id: 'someone', custom_id: 'wa-relay:x' },
      { id: 'sys_1', type: 'system_message', text: 'archived', author_id: 'system' },
    ]) {
      const res = await kit.postChatWebhook(s, envelope(event));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { result: string }).result).toBe('ignored');
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(
      await s.database.query('select 1 from relay_outbound where event_id = any($1)', [[note, 'echo_1', 'own_1', 'sys_1']]),
    ).toHaveLength(0);
    expect(await kit.phoneReceived(s, v2.number, customer)).toHaveLength(0);
  });

  it('F: a closed window sends nothing and tells the agents in an agents-only note', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'old message');
    const chatId = await kit.chatIdOf(s, f.org, customer);
    await s.database.query(`update customer_windows set last_inbound_at = now() - interval '2 days' where recipient = $1`, [customer]);
    const eventId = await kit.agentReplies(s, f.agent, chatId, { type: 'message', text: 'too late' });
    expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'refused', error_code: 'window_closed' });
    const note = await waitFor(
      () => kit.chatEvents(s, f.org, customer),
      (events) => events.some((e) => e.visibility === 'agents'),
    );
    expect(note.find((e) => e.visibility === 'agents')!.text).toContain('template');
    expect(await kit.phoneReceived(s, v2.number, customer)).toHaveLength(0);
    const status = await s.api(f.owner, '/api/relay');
    expect(status.body.numbers.find((n: { numberId: string }) => n.numberId === v2.id).lastFailure).toMatchObject({
      direction: 'outbound',
      code: 'window_closed',
    });
  });

  it('a template sent from the WhatsApp panel shows in the chat as an agents-only note', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'hello');
    await kit.chatIdOf(s, f.org, customer);
    const sent = await s.api(f.agent, '/api/messages', {
      body: {
        kind: 'template',
        numberId: v2.id,
        to: customer,
        templateName: 'login_code',
        language: 'en_US',
        variables: ['1234'],
        clientRef: randomUUID(),
      },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const events = await waitFor(
      () => kit.chatEvents(s, f.org, customer),
      (ev) => ev.some((e) => e.visibility === 'agents'),
    );
    expect(events.find((e) => e.visibility === 'agents')!.text).toBe('Template login_code sent to the customer on WhatsApp.');
  });

  it('F.4: after STOP the customer is opted out and a later reply is refused with a note', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'STOP');
    const chatId = await kit.chatIdOf(s, f.org, customer);
    const told = await waitFor(
      () => kit.chatEvents(s, f.org, customer),
      (ev) => ev.some((e) => e.visibility === 'agents'),
    );
    expect(told.find((e) => e.visibility === 'agents')!.text).toContain('opted out');
    const eventId = await kit.agentReplies(s, f.agent, chatId, { type: 'message', text: 'please stay' });
    expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'refused', error_code: 'opted_out' });
    expect(await kit.phoneReceived(s, v2.number, customer)).toHaveLength(0);
    const events = await waitFor(
      () => kit.chatEvents(s, f.org, customer),
      (ev) => ev.filter((e) => e.visibility === 'agents').length === 2,
    );
    expect(events.filter((e) => e.visibility === 'agents')[1]!.text).toContain('opted out');
  });

  it("a reply WhatsApp refuses after Kaleyra accepted it gets one agents-only note in the sidebar's words (v2 and v1)", async () => {
    const { s, f, v2 } = r;
    const bistro = await kit.connectRelay(s, s.orgs[1]!);
    for (const [fx, number, code] of [
      [f, v2, '131047'],
      [bistro, bistro.numbers.find((n) => n.apiVersion === 'v1')!, '131026'],
    ] as const) {
      const customer = kit.freshCustomer();
      await kit.customerWrites(s, number.number, customer, 'hello');
      const chatId = await kit.chatIdOf(s, fx.org, customer);
      await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: code, number: number.number });
      const eventId = await kit.agentReplies(s, fx.agent, chatId, { type: 'message', text: 'accepted, then refused' });
      const reason = describeProviderError(code).message;
      const notesOf = async () => (await kit.chatEvents(s, fx.org, customer)).filter((e) => e.visibility === 'agents');
      const [note] = await waitFor(notesOf, (n) => n.length > 0, 20_000);
      expect(note!.text).toBe(`Not delivered on WhatsApp: ${reason}`);
      expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'failed', error_code: `provider:${code}` });
      // The same failure again (Kaleyra retrying its callback): no second note.
      const [message] = await s.database.query<{ provider_message_id: string }>(
        'select provider_message_id from messages where client_ref = $1',
        [`relay:${eventId}`],
      );
      await s.sandboxControl(`/sandbox/kaleyra/messages/${message!.provider_message_id}/status`, { status: 'failed', error_code: code });
      await new Promise((r) => setTimeout(r, 500));
      expect(await notesOf()).toHaveLength(1);
      const status = await s.api(fx.owner, '/api/relay');
      expect(status.body.numbers.find((n: { numberId: string }) => n.numberId === number.id).lastFailure).toMatchObject({
        direction: 'outbound',
        code: `provider:${code}`,
        summary: reason,
      });
    }
  });

  it("an agent's image (v2, by link) and PDF (v1, streamed) reach the phone; a file too large for WhatsApp gets a note", async () => {
    const { s, f, v2 } = r;
    const bistro = await kit.connectRelay(s, s.orgs[1]!);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(200).fill(7)]);
    const cases = [
      { fx: f, business: v2.number, name: 'map.png', type: 'image/png', kind: 'image' },
      { fx: bistro, business: bistro.numbers[0]!.number, name: 'terms.pdf', type: 'application/pdf', kind: 'document' },
    ];
    for (const c of cases) {
      const customer = kit.freshCustomer();
      await kit.customerWrites(s, c.business, customer, 'send me the file');
      const chatId = await kit.chatIdOf(s, c.fx.org, customer);
      const url = await kit.uploadFile(s, c.fx.agent, c.name, c.type, png);
      const eventId = await kit.agentReplies(s, c.fx.agent, chatId, { type: 'file', url });
      expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'sent' });
      const [received] = (await kit.phoneReceived(s, c.business, customer)) as { media?: { kind: string; filename?: string } }[];
      expect(received!.media).toMatchObject({ kind: c.kind });
      const [message] = await s.database.query<{ kind: string }>('select kind from messages where client_ref = $1', [`relay:${eventId}`]);
      expect(message!.kind).toBe('media');
    }
    // WhatsApp takes images up to 5 MB: a 6 MB PNG is refused with a note, and nothing is sent.
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'big one please');
    const chatId = await kit.chatIdOf(s, f.org, customer);
    const big = new Uint8Array(6 * 1024 * 1024);
    big.set(png.slice(0, 8));
    const eventId = await kit.agentReplies(s, f.agent, chatId, {
      type: 'file',
      url: await kit.uploadFile(s, f.agent, 'big.png', 'image/png', big),
    });
    expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'refused', error_code: 'file_too_large' });
    expect(await kit.phoneReceived(s, v2.number, customer)).toHaveLength(0);
    await waitFor(
      () => kit.chatEvents(s, f.org, customer),
      (ev) => ev.some((e) => e.visibility === 'agents' && !!e.text?.includes('larger')),
    );
  });

  it("an agent's event claimed without its job is relayed when LiveChat delivers the webhook again", async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'hello?');
    const chatId = await kit.chatIdOf(s, f.org, customer);
    const eventId = `claimed_${randomUUID()}`;
    // What a process stopped between storing the claim and its job would leave: the claim alone.
    await s.database.query(`insert into relay_outbound (event_id, organization_id, chat_id) values ($1, $2, $3)`, [
      eventId,
      f.org.id,
      chatId,
    ]);
    const event = { id: eventId, type: 'message', text: 'claimed, never queued', author_id: 'agent@x', visibility: 'all' };
    const body = {
      secret_key: s.config.LIVECHAT_CHAT_WEBHOOK_SECRET,
      action: 'incoming_event',
      organization_id: f.org.id,
      payload: { chat_id: chatId, event },
    };
    const result = async () => ((await (await kit.postChatWebhook(s, body)).json()) as { result: string }).result;
    expect(await result()).toBe('queued');
    expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'sent' });
    expect((await kit.phoneReceived(s, v2.number, customer)).map((m) => m.body)).toEqual(['claimed, never queued']);
    // Delivered once more: nothing left to do.
    expect(await result()).toBe('replayed');
  });
});
