import { randomUUID } from 'node:crypto';
import { expect, it, vi } from 'vitest';
import { findOrganization } from '../organizations/organizations.service.ts';
import { waitFor } from '../../test/stack.ts';
import * as kit from '../../test/relay-test-kit.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

kit.describeRelay("customers' messages", (r) => {
  it("a customer's messages make one chat, in the order they were written, with their name and session fields", async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    for (let i = 1; i <= 5; i++) await kit.customerWrites(s, v2.number, customer, `message ${i}`, 'Ada Lovelace');
    await kit.settledInbound(s, customer, 5);
    const chats = await kit.chatsOf(s, f.org, customer);
    expect(chats).toHaveLength(1);
    expect(chats[0]!.customer.name).toBe('Ada Lovelace');
    expect(chats[0]!.customer.session_fields).toEqual(expect.arrayContaining([{ whatsapp: customer }, { business_number: v2.number }]));
    expect((await kit.chatEvents(s, f.org, customer)).map((e) => e.text)).toEqual([
      'message 1',
      'message 2',
      'message 3',
      'message 4',
      'message 5',
    ]);
    // The sidebar's lookup: agents too.
    const lookup = await s.api(f.agent, `/api/relay/chats/${chats[0]!.id}`);
    expect(lookup.body).toEqual({ chatId: chats[0]!.id, customer, numberId: v2.id, number: v2.number, active: true });
    expect((await s.api(f.agent, '/api/relay/chats/NOTACHAT00')).status).toBe(404);
  });

  it('two first messages of a new customer arriving at once make one identity and one chat', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    const bodies = ['at once 1', 'at once 2'].map((text) =>
      kit.v2Incoming(v2, customer, { id: `wamid.${randomUUID()}`, type: 'text', text: { body: text } }),
    );
    const answers = await Promise.all(bodies.map((b) => kit.postIncoming(s, f.org, b)));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await kit.settledInbound(s, customer, 2);
    expect(await s.database.query('select 1 from relay_identities where customer = $1', [customer])).toHaveLength(1);
    expect(await kit.chatsOf(s, f.org, customer)).toHaveLength(1);
    expect((await kit.chatEvents(s, f.org, customer)).map((e) => e.text).sort()).toEqual(['at once 1', 'at once 2']);
  });

  it('a replayed Kaleyra inbound posts one chat event', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    const body = kit.v2Incoming(v2, customer, { id: `wamid.${randomUUID()}`, type: 'text', text: { body: 'only once' } });
    expect((await kit.postIncoming(s, f.org, body)).status).toBe(200);
    expect((await kit.postIncoming(s, f.org, body)).status).toBe(200);
    await kit.settledInbound(s, customer, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect((await kit.chatEvents(s, f.org, customer)).filter((e) => e.text === 'only once')).toHaveLength(1);
  });

  it('LiveChat failing (503, 429) and an expired customer token: retried, and each message is posted once, in order', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'one');
    await kit.settledInbound(s, customer, 1);
    const [identity] = await s.database.query<{ entity_id: string }>('select entity_id from relay_identities where customer = $1', [
      customer,
    ]);
    await s.sandboxControl('/sandbox/livechat/expire-customer-tokens', { entity_id: identity!.entity_id });
    await s.sandboxControl('/sandbox/livechat/fail-next', { action: 'customer/send_event', mode: 'http503', count: 2 });
    await kit.customerWrites(s, v2.number, customer, 'two');
    await kit.customerWrites(s, v2.number, customer, 'three');
    await kit.settledInbound(s, customer, 3);
    await s.sandboxControl('/sandbox/livechat/fail-next', { action: 'customer/send_event', mode: 'http429', count: 1 });
    await kit.customerWrites(s, v2.number, customer, 'four');
    await kit.settledInbound(s, customer, 4);
    const rows = await s.database.query<{ status: string }>('select status from relay_inbound where customer = $1 order by seq', [
      customer,
    ]);
    expect(rows.map((r) => r.status)).toEqual(['posted', 'posted', 'posted', 'posted']);
    expect((await kit.chatEvents(s, f.org, customer)).map((e) => e.text)).toEqual(['one', 'two', 'three', 'four']);
    // The failures really happened: the relay's jobs failed and were retried.
    expect(s.logs.filter((l) => l.includes('"queue":"relay-inbound"') && l.includes('job failed')).length).toBeGreaterThanOrEqual(2);
  });

  it('a retry after an attempt that reached LiveChat but died before recording it posts nothing twice', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'first');
    const chatId = await kit.chatIdOf(s, f.org, customer);
    const [identity] = await s.database.query<{ entity_id: string }>('select entity_id from relay_identities where customer = $1', [
      customer,
    ]);
    // What the dead attempt did: LiveChat has the event (with our custom_id); our row still says pending.
    const providerMessageId = `wamid.${randomUUID()}`;
    const grant = await fetch(`${s.sandboxUrl}/v2/customer/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'agent_token',
        client_id: s.config.LIVECHAT_CLIENT_ID,
        response_type: 'token',
        entity_id: identity!.entity_id,
      }),
    });
    const token = ((await grant.json()) as { access_token: string }).access_token;
    const posted = await fetch(`${s.sandboxUrl}/v3.6/customer/action/send_event?organization_id=${f.org.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: chatId, event: { type: 'message', text: 'second', custom_id: `wa-relay:${providerMessageId}:0` } }),
    });
    expect(posted.status).toBe(200);
    await s.database.query(
      `insert into relay_inbound (provider_message_id, organization_id, number_id, customer, type) values ($1, $2, $3, $4, 'text')`,
      [providerMessageId, f.org.id, v2.id, customer],
    );
    // The job comes back (pg-boss expires the dead instance's claim): its sealed payload, as queued.
    const sealed = kit.sealFor(s, f.org.id, { texts: ['second'], name: null, refersTo: null, type: 'text' });
    await s.services.relay.relayInbound({ organizationId: f.org.id, providerMessageId, sealed }, 1);
    const [row] = await s.database.query<{ status: string }>('select status from relay_inbound where provider_message_id = $1', [
      providerMessageId,
    ]);
    expect(row!.status).toBe('posted');
    expect((await kit.chatEvents(s, f.org, customer)).map((e) => e.text)).toEqual(['first', 'second']);
  });

  it('locations, reactions, replies, contacts, list replies and unknown types are shown, never dropped', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    const sent = [
      { id: `wamid.${randomUUID()}`, type: 'location', location: { latitude: 52.2297, longitude: 21.0122, name: 'Office' } },
      { id: `wamid.${randomUUID()}`, type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'x', title: 'Tomorrow' } } },
      {
        id: `wamid.${randomUUID()}`,
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Bob' }, phones: [{ phone: '+48601000111' }] }],
      },
      { id: `wamid.${randomUUID()}`, type: 'reaction', reaction: { message_id: 'wamid.unknown', emoji: '👍' } },
      { id: `wamid.${randomUUID()}`, type: 'hologram' },
    ];
    for (const m of sent) expect((await kit.postIncoming(s, f.org, kit.v2Incoming(v2, customer, m))).status).toBe(200);
    await kit.settledInbound(s, customer, sent.length);
    const texts = (await kit.chatEvents(s, f.org, customer)).map((e) => e.text ?? '');
    expect(texts[0]).toContain('https://maps.google.com/?q=52.2297,21.0122');
    expect(texts[1]).toBe('Tomorrow');
    expect(texts[2]).toContain('+48601000111');
    expect(texts[3]).toMatch(/^Reacted 👍 to your message of/);
    expect(texts[4]).toBe('[WhatsApp sent a message type this app cannot show: hologram]');
  });

  it('an archived chat is resumed in a new thread when the customer writes again', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'first');
    const chatId = await kit.chatIdOf(s, f.org, customer);
    const res = await fetch(`${s.sandboxUrl}/v3.6/agent/action/deactivate_chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: chatId }),
    });
    expect(res.status).toBe(200);
    await waitFor(
      async () => (await s.api(f.agent, `/api/relay/chats/${chatId}`)).body.active,
      (a) => a === false,
    );
    await kit.customerWrites(s, v2.number, customer, 'second');
    await kit.settledInbound(s, customer, 2);
    const [chat] = await kit.chatsOf(s, f.org, customer);
    expect(chat!.id).toBe(chatId);
    expect(chat!.threads).toHaveLength(2);
    expect(chat!.threads[1]!.events.map((e) => e.text)).toEqual(['second']);
    expect((await s.api(f.agent, `/api/relay/chats/${chatId}`)).body.active).toBe(true);
  });

  it('v1 inbound as a GET with the fields in the query string reaches the chat', async () => {
    const { s } = r;
    // Bistro's number speaks v1.
    const bistro = await kit.connectRelay(s, s.orgs[1]!);
    const v1 = bistro.numbers.find((n) => n.apiVersion === 'v1')!;
    const org = await findOrganization(s.database.db, bistro.org.id);
    const auth = { authorization: `Basic ${Buffer.from(`${bistro.org.id}:${org!.webhookSecret}`).toString('base64')}` };
    const customer = kit.freshCustomer();
    const q = new URLSearchParams({
      from: customer.slice(1),
      name: 'V One',
      body: 'sent by GET',
      type: 'text',
      created_at: String(Math.floor(Date.now() / 1000)),
      wanumber: v1.number.slice(1),
    });
    const res = await fetch(`${s.bffUrl}/webhooks/kaleyra/${bistro.org.id}/incoming?${q}`, { headers: auth });
    expect(res.status).toBe(200);
    // The same GET again (Kaleyra retrying) posts nothing more.
    expect((await fetch(`${s.bffUrl}/webhooks/kaleyra/${bistro.org.id}/incoming?${q}`, { headers: auth })).status).toBe(200);
    await kit.settledInbound(s, customer, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect((await kit.chatEvents(s, bistro.org, customer)).map((e) => e.text)).toEqual(['sent by GET']);
  });

  it('a photo (v2) and a PDF (v1) reach the chat as files through upload_file, their caption as a message', async () => {
    const { s, f, v2 } = r;
    const bistro = await kit.connectRelay(s, s.orgs[1]!);
    const v1 = bistro.numbers[0]!;
    const cases = [
      { org: f.org, business: v2.number, sample: 'photo', name: 'photo.png', type: 'image/png' },
      { org: bistro.org, business: v1.number, sample: 'pdf', name: 'invoice.pdf', type: 'application/pdf' },
    ];
    for (const c of cases) {
      const customer = kit.freshCustomer();
      await s.sandboxControl('/sandbox/phone/messages', {
        kind: 'sample',
        sample: c.sample,
        caption: `caption of ${c.sample}`,
        business: c.business,
        customer,
      });
      await kit.settledInbound(s, customer, 1);
      const events = await kit.chatEvents(s, c.org, customer);
      expect(events.map((e) => e.type)).toEqual(['file', 'message']);
      expect(events[1]!.text).toBe(`caption of ${c.sample}`);
      const file = events[0] as { url?: string; name?: string; content_type?: string };
      expect(file).toMatchObject({ name: c.name, content_type: c.type });
      // The CDN link serves the very bytes the customer sent.
      const served = await fetch(file.url!);
      expect(served.status).toBe(200);
      expect((await served.arrayBuffer()).byteLength).toBeGreaterThan(50);
    }
  });

  it('a message claimed without its job is relayed when Kaleyra delivers it again, and the next ones follow it', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    const id = `wamid.${randomUUID()}`;
    const body = kit.v2Incoming(v2, customer, { id, type: 'text', text: { body: 'claimed, never queued' } });
    // What a process stopped between storing the claim and its job would leave: the claim alone.
    await s.database.query(
      `insert into relay_inbound (provider_message_id, organization_id, number_id, customer, type) values ($1, $2, $3, $4, 'text')`,
      [id, f.org.id, v2.id, customer],
    );
    expect((await kit.postIncoming(s, f.org, body)).status).toBe(200);
    await kit.customerWrites(s, v2.number, customer, 'next one');
    await kit.settledInbound(s, customer, 2);
    expect((await kit.chatEvents(s, f.org, customer)).map((e) => e.text)).toEqual(['claimed, never queued', 'next one']);
    // Delivered once more after it was relayed: nothing is posted twice.
    expect((await kit.postIncoming(s, f.org, body)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await kit.chatEvents(s, f.org, customer)).toHaveLength(2);
  });

  it('a job that cannot be stored leaves no claim: the webhook fails and the next delivery relays the message', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    const id = `wamid.${randomUUID()}`;
    const body = kit.v2Incoming(v2, customer, { id, type: 'text', text: { body: 'stored at the second try' } });
    const queue = (s.services.relay as unknown as { jobs: { queue: { send: (...args: unknown[]) => Promise<unknown> } } }).jobs.queue;
    const send = queue.send;
    queue.send = async (...args: unknown[]) => {
      if ((args[1] as { providerMessageId?: string } | undefined)?.providerMessageId !== id) return send.apply(queue, args);
      queue.send = send;
      throw new Error('the queue is unavailable');
    };
    expect((await kit.postIncoming(s, f.org, body)).status).toBeGreaterThanOrEqual(500);
    expect(await s.database.query('select 1 from relay_inbound where provider_message_id = $1', [id])).toHaveLength(0);
    expect((await kit.postIncoming(s, f.org, body)).status).toBe(200);
    await kit.settledInbound(s, customer, 1);
    expect((await kit.chatEvents(s, f.org, customer)).map((e) => e.text)).toEqual(['stored at the second try']);
  });
});
