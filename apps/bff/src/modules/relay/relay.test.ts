import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeProviderError } from '@wa/contracts';
import { findOrganization } from '../organizations/organizations.service.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { dumpTables, startStack, waitFor, type Stack } from '../../test/stack.ts';
import {
  agentReplies,
  chatEvents,
  chatsOf,
  connectRelay,
  customerWrites,
  freshCustomer,
  outboundRow,
  phoneReceived,
  settledInbound,
  type RelayFixture,
} from './relay-test-kit.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe.each(DB_KINDS)('WhatsApp chats in LiveChat (%s)', (kind) => {
  let s: Stack;
  let f: RelayFixture;
  let v2: { id: string; number: string };

  beforeAll(async () => {
    s = await startStack(kind, { workers: true });
    f = await connectRelay(s, s.orgs[0]!);
    v2 = f.numbers.find((n) => n.apiVersion === 'v2')!;
  });
  afterAll(async () => {
    await s?.close();
  });

  const basic = async () => {
    const org = await findOrganization(s.database.db, f.org.id);
    return `Basic ${Buffer.from(`${f.org.id}:${org!.webhookSecret}`).toString('base64')}`;
  };
  const v2Incoming = (from: string, message: Record<string, unknown>, name = 'Customer') => ({
    meta_object: {
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: v2.number.slice(1) },
        contacts: [{ profile: { name }, wa_id: from.slice(1) }],
        messages: [{ from: from.slice(1), timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
      },
    },
    extra_info: {},
  });
  const postIncoming = async (body: unknown) =>
    fetch(`${s.bffUrl}/webhooks/kaleyra/${f.org.id}/incoming`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: await basic() },
      body: JSON.stringify(body),
    });
  const postChatWebhook = (body: unknown) =>
    fetch(`${s.bffUrl}/webhooks/livechat-chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const chatIdOf = async (customer: string) =>
    (
      await waitFor(
        () => chatsOf(s, f.org, customer),
        (c) => c.length === 1,
      )
    )[0]!.id;

  it('setup: the status names the authorization and every number, and the groups come from LiveChat', async () => {
    const status = await s.api(f.owner, '/api/relay');
    expect(status.body.authorization).toMatchObject({ status: 'connected', connected: true });
    expect(status.body.numbers.every((n: { status: string; groupId: number }) => n.status === 'active' && n.groupId === 0)).toBe(true);
    const groups = await s.api(f.owner, '/api/relay/groups');
    expect(groups.body.groups.map((g: { id: number }) => g.id)).toContain(0);
    expect((await s.api(f.agent, '/api/relay')).status).toBe(403);
    const bad = await s.api(f.owner, `/api/relay/numbers/${v2.id}`, { method: 'PUT', body: { enabled: true, groupId: 987 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('groupId');
  });

  it("a customer's messages make one chat, in the order they were written, with their name and session fields", async () => {
    const customer = freshCustomer();
    for (let i = 1; i <= 5; i++) await customerWrites(s, v2.number, customer, `message ${i}`, 'Ada Lovelace');
    await settledInbound(s, customer, 5);
    const chats = await chatsOf(s, f.org, customer);
    expect(chats).toHaveLength(1);
    expect(chats[0]!.customer.name).toBe('Ada Lovelace');
    expect(chats[0]!.customer.session_fields).toEqual(expect.arrayContaining([{ whatsapp: customer }, { business_number: v2.number }]));
    expect((await chatEvents(s, f.org, customer)).map((e) => e.text)).toEqual([
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
    const customer = freshCustomer();
    const bodies = ['at once 1', 'at once 2'].map((text) =>
      v2Incoming(customer, { id: `wamid.${randomUUID()}`, type: 'text', text: { body: text } }),
    );
    const answers = await Promise.all(bodies.map((b) => postIncoming(b)));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await settledInbound(s, customer, 2);
    expect(await s.database.query('select 1 from relay_identities where customer = $1', [customer])).toHaveLength(1);
    expect(await chatsOf(s, f.org, customer)).toHaveLength(1);
    expect((await chatEvents(s, f.org, customer)).map((e) => e.text).sort()).toEqual(['at once 1', 'at once 2']);
  });

  it('a replayed Kaleyra inbound posts one chat event', async () => {
    const customer = freshCustomer();
    const body = v2Incoming(customer, { id: `wamid.${randomUUID()}`, type: 'text', text: { body: 'only once' } });
    expect((await postIncoming(body)).status).toBe(200);
    expect((await postIncoming(body)).status).toBe(200);
    await settledInbound(s, customer, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect((await chatEvents(s, f.org, customer)).filter((e) => e.text === 'only once')).toHaveLength(1);
  });

  it('LiveChat failing (503, 429) and an expired customer token: retried, and each message is posted once, in order', async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'one');
    await settledInbound(s, customer, 1);
    const [identity] = await s.database.query<{ entity_id: string }>('select entity_id from relay_identities where customer = $1', [
      customer,
    ]);
    await s.sandboxControl('/sandbox/livechat/expire-customer-tokens', { entity_id: identity!.entity_id });
    await s.sandboxControl('/sandbox/livechat/fail-next', { action: 'customer/send_event', mode: 'http503', count: 2 });
    await customerWrites(s, v2.number, customer, 'two');
    await customerWrites(s, v2.number, customer, 'three');
    await settledInbound(s, customer, 3);
    await s.sandboxControl('/sandbox/livechat/fail-next', { action: 'customer/send_event', mode: 'http429', count: 1 });
    await customerWrites(s, v2.number, customer, 'four');
    await settledInbound(s, customer, 4);
    const rows = await s.database.query<{ status: string }>('select status from relay_inbound where customer = $1 order by seq', [
      customer,
    ]);
    expect(rows.map((r) => r.status)).toEqual(['posted', 'posted', 'posted', 'posted']);
    expect((await chatEvents(s, f.org, customer)).map((e) => e.text)).toEqual(['one', 'two', 'three', 'four']);
    // The failures really happened: the relay's jobs failed and were retried.
    expect(s.logs.filter((l) => l.includes('"queue":"relay-inbound"') && l.includes('job failed')).length).toBeGreaterThanOrEqual(2);
  });

  it('a retry after an attempt that reached LiveChat but died before recording it posts nothing twice', async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'first');
    const chatId = await chatIdOf(customer);
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
    const vault = (s.services.relay as unknown as { vault: { seal(org: string, text: string): string } }).vault;
    const sealed = vault.seal(f.org.id, JSON.stringify({ texts: ['second'], name: null, refersTo: null, type: 'text' }));
    await s.services.relay.relayInbound({ organizationId: f.org.id, providerMessageId, sealed }, 1);
    const [row] = await s.database.query<{ status: string }>('select status from relay_inbound where provider_message_id = $1', [
      providerMessageId,
    ]);
    expect(row!.status).toBe('posted');
    expect((await chatEvents(s, f.org, customer)).map((e) => e.text)).toEqual(['first', 'second']);
  });

  it('locations, reactions, replies, contacts, list replies and unknown types are shown, never dropped', async () => {
    const customer = freshCustomer();
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
    for (const m of sent) expect((await postIncoming(v2Incoming(customer, m))).status).toBe(200);
    await settledInbound(s, customer, sent.length);
    const texts = (await chatEvents(s, f.org, customer)).map((e) => e.text ?? '');
    expect(texts[0]).toContain('https://maps.google.com/?q=52.2297,21.0122');
    expect(texts[1]).toBe('Tomorrow');
    expect(texts[2]).toContain('+48601000111');
    expect(texts[3]).toMatch(/^Reacted 👍 to your message of/);
    expect(texts[4]).toBe('[WhatsApp sent a message type this app cannot show: hologram]');
  });

  it("an agent's reply reaches the phone once, also when LiveChat delivers the webhook again", async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'hello?');
    const chatId = await chatIdOf(customer);
    const eventId = await agentReplies(s, f.agent, chatId, { type: 'message', text: 'Hi, how can I help?' });
    expect(await outboundRow(s, eventId)).toMatchObject({ status: 'sent' });
    const deliveries = await s.sandboxControl<{ deliveries: { body: { payload: { event: { id: string } } } }[] }>(
      '/sandbox/livechat/webhook-deliveries?action=incoming_event',
    );
    const delivery = deliveries.deliveries.find((d) => d.body.payload.event.id === eventId)!;
    const replay = await postChatWebhook(delivery.body);
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { result: string }).result).toBe('replayed');
    await new Promise((r) => setTimeout(r, 300));
    const received = await phoneReceived(s, v2.number, customer);
    expect(received.filter((m) => m.body === 'Hi, how can I help?')).toHaveLength(1);
    const [message] = await s.database.query<{ chat_id: string; kind: string }>(
      `select chat_id, kind from messages where client_ref = $1`,
      [`relay:${eventId}`],
    );
    expect(message).toEqual({ chat_id: chatId, kind: 'text' });
    // Kaleyra's delivered and read callbacks show in the chat: status.delivered, then seen by the customer.
    await waitFor(
      () => chatEvents(s, f.org, customer),
      (ev) => ev.some((e) => e.id === eventId && e.properties?.status?.delivered === true),
    );
    const [chat] = await waitFor(
      () => chatsOf(s, f.org, customer),
      (c) =>
        !!c[0]?.seen_up_to[c[0].customer.id] &&
        c[0].seen_up_to[c[0].customer.id]! > c[0].threads[0]!.events.find((e) => e.id === eventId)!.created_at,
    );
    expect(chat).toBeDefined();
  });

  it('agents-only notes, echoes of the customer and our own events are never sent to WhatsApp', async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'hi');
    const chatId = await chatIdOf(customer);
    const note = await agentReplies(s, f.agent, chatId, { type: 'message', text: 'internal only', visibility: 'agents' });
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
      const res = await postChatWebhook(envelope(event));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { result: string }).result).toBe('ignored');
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(
      await s.database.query('select 1 from relay_outbound where event_id = any($1)', [[note, 'echo_1', 'own_1', 'sys_1']]),
    ).toHaveLength(0);
    expect(await phoneReceived(s, v2.number, customer)).toHaveLength(0);
  });

  it('an archived chat is resumed in a new thread when the customer writes again', async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'first');
    const chatId = await chatIdOf(customer);
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
    await customerWrites(s, v2.number, customer, 'second');
    await settledInbound(s, customer, 2);
    const [chat] = await chatsOf(s, f.org, customer);
    expect(chat!.id).toBe(chatId);
    expect(chat!.threads).toHaveLength(2);
    expect(chat!.threads[1]!.events.map((e) => e.text)).toEqual(['second']);
    expect((await s.api(f.agent, `/api/relay/chats/${chatId}`)).body.active).toBe(true);
  });

  it('F: a closed window sends nothing and tells the agents in an agents-only note', async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'old message');
    const chatId = await chatIdOf(customer);
    await s.database.query(`update customer_windows set last_inbound_at = now() - interval '2 days' where recipient = $1`, [customer]);
    const eventId = await agentReplies(s, f.agent, chatId, { type: 'message', text: 'too late' });
    expect(await outboundRow(s, eventId)).toMatchObject({ status: 'refused', error_code: 'window_closed' });
    const note = await waitFor(
      () => chatEvents(s, f.org, customer),
      (events) => events.some((e) => e.visibility === 'agents'),
    );
    expect(note.find((e) => e.visibility === 'agents')!.text).toContain('template');
    expect(await phoneReceived(s, v2.number, customer)).toHaveLength(0);
    const status = await s.api(f.owner, '/api/relay');
    expect(status.body.numbers.find((n: { numberId: string }) => n.numberId === v2.id).lastFailure).toMatchObject({
      direction: 'outbound',
      code: 'window_closed',
    });
  });

  it('a template sent from the WhatsApp panel shows in the chat as an agents-only note', async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'hello');
    await chatIdOf(customer);
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
      () => chatEvents(s, f.org, customer),
      (ev) => ev.some((e) => e.visibility === 'agents'),
    );
    expect(events.find((e) => e.visibility === 'agents')!.text).toBe('Template login_code sent to the customer on WhatsApp.');
  });

  it('F.4: after STOP the customer is opted out and a later reply is refused with a note', async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'STOP');
    const chatId = await chatIdOf(customer);
    const told = await waitFor(
      () => chatEvents(s, f.org, customer),
      (ev) => ev.some((e) => e.visibility === 'agents'),
    );
    expect(told.find((e) => e.visibility === 'agents')!.text).toContain('opted out');
    const eventId = await agentReplies(s, f.agent, chatId, { type: 'message', text: 'please stay' });
    expect(await outboundRow(s, eventId)).toMatchObject({ status: 'refused', error_code: 'opted_out' });
    expect(await phoneReceived(s, v2.number, customer)).toHaveLength(0);
    const events = await waitFor(
      () => chatEvents(s, f.org, customer),
      (ev) => ev.filter((e) => e.visibility === 'agents').length === 2,
    );
    expect(events.filter((e) => e.visibility === 'agents')[1]!.text).toContain('opted out');
  });

  it('a forged or missing secret_key gets 401 and changes nothing', async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'hi');
    const chatId = await chatIdOf(customer);
    await settledInbound(s, customer, 1);
    // The tables a relayed webhook could change (the workers renew their leases and sync bills meanwhile).
    const watched = async () => {
      const all = await dumpTables(s.database);
      return Object.fromEntries(
        Object.entries(all).filter(([t]) => /^(relay_|messages|message_events|conversations|ledger_entries|opt_outs)/.test(t)),
      );
    };
    let before = await watched();
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const again = await watched();
      if (JSON.stringify(again) === JSON.stringify(before)) break;
      before = again;
    }
    const event = { id: `forged_${randomUUID()}`, type: 'message', text: 'send money', author_id: 'agent@x', visibility: 'all' };
    for (const secret of ['wrong-secret-wrong-secret-000', undefined, '']) {
      const res = await postChatWebhook({
        webhook_id: 'w',
        ...(secret === undefined ? {} : { secret_key: secret }),
        action: 'incoming_event',
        organization_id: f.org.id,
        payload: { chat_id: chatId, event },
      });
      expect(res.status).toBe(401);
    }
    // The right secret for an organization without the relay is refused too.
    const other = await postChatWebhook({
      secret_key: s.config.LIVECHAT_CHAT_WEBHOOK_SECRET,
      action: 'incoming_event',
      organization_id: s.orgs[1]!.id,
      payload: { chat_id: chatId, event },
    });
    expect(other.status).toBe(401);
    expect(await watched()).toEqual(before);
  });

  it('L.11b: erasing a customer leaves their number in no relay table', async () => {
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'forget me');
    await settledInbound(s, customer, 1);
    const erased = await s.api(f.owner, '/api/privacy/recipients/erase', { body: { phone: customer } });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    for (const table of ['relay_identities', 'relay_inbound']) {
      expect(await s.database.query(`select 1 from ${table} where customer = $1`, [customer]), table).toHaveLength(0);
    }
  });

  it('G: relayed texts, captions, file names and profile names never land in a table, the queue or the logs', async () => {
    const customer = freshCustomer();
    const marker = `G-MARKER-${randomUUID()}`;
    await customerWrites(s, v2.number, customer, `inbound ${marker}`, `Name ${marker}`);
    await settledInbound(s, customer, 1);
    const chatId = await chatIdOf(customer);
    const eventId = await agentReplies(s, f.agent, chatId, { type: 'message', text: `outbound ${marker}` });
    expect(await outboundRow(s, eventId)).toMatchObject({ status: 'sent' });
    // A caption and a file name each way.
    await s.sandboxControl('/sandbox/phone/messages', {
      kind: 'sample',
      sample: 'pdf',
      caption: `caption ${marker}`,
      business: v2.number,
      customer,
    });
    await settledInbound(s, customer, 2);
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(64).fill(1)], { type: 'application/pdf' }), `${marker}.pdf`);
    const uploaded = (await (
      await fetch(`${s.sandboxUrl}/v3.6/agent/action/upload_file`, {
        method: 'POST',
        headers: { authorization: `Bearer ${f.agent}` },
        body: form,
      })
    ).json()) as { url: string };
    const fileEvent = await agentReplies(s, f.agent, chatId, { type: 'file', url: uploaded.url });
    expect(await outboundRow(s, fileEvent)).toMatchObject({ status: 'sent' });
    const events = await chatEvents(s, f.org, customer);
    expect(events.filter((e) => e.text?.includes(marker) || (e as { name?: string }).name?.includes(marker)).length).toBeGreaterThanOrEqual(
      3,
    );
    const mediaUrls = events.filter((e) => e.type === 'file').map((e) => (e as { url?: string }).url!);
    const tables = JSON.stringify(await dumpTables(s.database));
    const queueTables = await s.database.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'pgboss' and table_type = 'BASE TABLE'`,
    );
    let queue = '';
    for (const { table_name } of queueTables) queue += JSON.stringify(await s.database.query(`select * from pgboss."${table_name}"`));
    expect(queueTables.length).toBeGreaterThan(0);
    expect(tables).not.toContain(marker);
    expect(queue).not.toContain(marker);
    expect(s.logs.join('\n')).not.toContain(marker);
    for (const url of mediaUrls) expect(s.logs.join('\n')).not.toContain(url);
  });
  it('v1 inbound as a GET with the fields in the query string reaches the chat', async () => {
    // Bistro's number speaks v1; it is connected last, as the tests above need a business without the relay.
    const bistro = await connectRelay(s, s.orgs[1]!);
    const v1 = bistro.numbers.find((n) => n.apiVersion === 'v1')!;
    const org = await findOrganization(s.database.db, bistro.org.id);
    const auth = { authorization: `Basic ${Buffer.from(`${bistro.org.id}:${org!.webhookSecret}`).toString('base64')}` };
    const customer = freshCustomer();
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
    await settledInbound(s, customer, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect((await chatEvents(s, bistro.org, customer)).map((e) => e.text)).toEqual(['sent by GET']);
  });

  it("a reply WhatsApp refuses after Kaleyra accepted it gets one agents-only note in the sidebar's words (v2 and v1)", async () => {
    const bistro = await connectRelay(s, s.orgs[1]!);
    for (const [fx, number, code] of [
      [f, v2, '131047'],
      [bistro, bistro.numbers.find((n) => n.apiVersion === 'v1')!, '131026'],
    ] as const) {
      const customer = freshCustomer();
      await customerWrites(s, number.number, customer, 'hello');
      const chatId = (
        await waitFor(
          () => chatsOf(s, fx.org, customer),
          (c) => c.length === 1,
        )
      )[0]!.id;
      await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: code, number: number.number });
      const eventId = await agentReplies(s, fx.agent, chatId, { type: 'message', text: 'accepted, then refused' });
      const reason = describeProviderError(code).message;
      const notesOf = async () => (await chatEvents(s, fx.org, customer)).filter((e) => e.visibility === 'agents');
      const [note] = await waitFor(notesOf, (n) => n.length > 0, 20_000);
      expect(note!.text).toBe(`Not delivered on WhatsApp: ${reason}`);
      expect(await outboundRow(s, eventId)).toMatchObject({ status: 'failed', error_code: `provider:${code}` });
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

  it('a photo (v2) and a PDF (v1) reach the chat as files through upload_file, their caption as a message', async () => {
    const bistro = await connectRelay(s, s.orgs[1]!);
    const v1 = bistro.numbers[0]!;
    const cases = [
      { org: f.org, business: v2.number, sample: 'photo', name: 'photo.png', type: 'image/png' },
      { org: bistro.org, business: v1.number, sample: 'pdf', name: 'invoice.pdf', type: 'application/pdf' },
    ];
    for (const c of cases) {
      const customer = freshCustomer();
      await s.sandboxControl('/sandbox/phone/messages', {
        kind: 'sample',
        sample: c.sample,
        caption: `caption of ${c.sample}`,
        business: c.business,
        customer,
      });
      await settledInbound(s, customer, 1);
      const events = await chatEvents(s, c.org, customer);
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

  it("an agent's image (v2, by link) and PDF (v1, streamed) reach the phone; a file too large for WhatsApp gets a note", async () => {
    const bistro = await connectRelay(s, s.orgs[1]!);
    const upload = async (agent: string, name: string, type: string, bytes: Uint8Array) => {
      const form = new FormData();
      form.set('file', new Blob([bytes], { type }), name);
      const res = await fetch(`${s.sandboxUrl}/v3.6/agent/action/upload_file`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent}` },
        body: form,
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { url: string }).url;
    };
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(200).fill(7)]);
    const cases = [
      { fx: f, business: v2.number, name: 'map.png', type: 'image/png', kind: 'image' },
      { fx: bistro, business: bistro.numbers[0]!.number, name: 'terms.pdf', type: 'application/pdf', kind: 'document' },
    ];
    for (const c of cases) {
      const customer = freshCustomer();
      await customerWrites(s, c.business, customer, 'send me the file');
      const chatId = (
        await waitFor(
          () => chatsOf(s, c.fx.org, customer),
          (x) => x.length === 1,
        )
      )[0]!.id;
      const url = await upload(c.fx.agent, c.name, c.type, png);
      const eventId = await agentReplies(s, c.fx.agent, chatId, { type: 'file', url });
      expect(await outboundRow(s, eventId)).toMatchObject({ status: 'sent' });
      const [received] = (await phoneReceived(s, c.business, customer)) as { media?: { kind: string; filename?: string } }[];
      expect(received!.media).toMatchObject({ kind: c.kind });
      const [message] = await s.database.query<{ kind: string }>('select kind from messages where client_ref = $1', [`relay:${eventId}`]);
      expect(message!.kind).toBe('media');
    }
    // WhatsApp takes images up to 5 MB: a 6 MB PNG is refused with a note, and nothing is sent.
    const customer = freshCustomer();
    await customerWrites(s, v2.number, customer, 'big one please');
    const chatId = await chatIdOf(customer);
    const big = new Uint8Array(6 * 1024 * 1024);
    big.set(png.slice(0, 8));
    const eventId = await agentReplies(s, f.agent, chatId, { type: 'file', url: await upload(f.agent, 'big.png', 'image/png', big) });
    expect(await outboundRow(s, eventId)).toMatchObject({ status: 'refused', error_code: 'file_too_large' });
    expect(await phoneReceived(s, v2.number, customer)).toHaveLength(0);
    await waitFor(
      () => chatEvents(s, f.org, customer),
      (ev) => ev.some((e) => e.visibility === 'agents' && !!e.text?.includes('larger')),
    );
  });

  it('E: after an uninstall the relay stops at once, and L.11b: deleting the business data removes its relay rows', async () => {
    const bistro = s.orgs[1]!;
    const v1 = (await connectRelay(s, bistro)).numbers[0]!;
    const customer = freshCustomer();
    await customerWrites(s, v1.number, customer, 'before the uninstall');
    const chatId = (
      await waitFor(
        () => chatsOf(s, bistro, customer),
        (c) => c.length === 1,
      )
    )[0]!.id;
    await s.database.query(`update organizations set status = 'uninstalled' where id = $1`, [bistro.id]);
    const agent = await s.token(bistro, 'agent');
    const eventId = await agentReplies(s, agent, chatId, { type: 'message', text: 'after the uninstall' });
    // The one send path refuses it (the business lost access): nothing reaches the phone, and no bot speaks for it.
    expect(await outboundRow(s, eventId)).toMatchObject({ status: 'refused', error_code: 'account_closed' });
    expect(await phoneReceived(s, v1.number, customer)).toHaveLength(0);
    expect((await chatEvents(s, bistro, customer)).filter((e) => e.visibility === 'agents')).toHaveLength(0);
    // Its customers' messages are no longer relayed.
    await customerWrites(s, v1.number, customer, 'after the uninstall');
    await new Promise((r) => setTimeout(r, 500));
    expect(await s.database.query('select 1 from relay_inbound where customer = $1', [customer])).toHaveLength(1);

    await s.database.query(`insert into business_data_deletions (organization_id, requested_by) values ($1, 'owner')`, [bistro.id]);
    expect(await s.services.privacy.business.deleteNow(bistro.id)).toBe(true);
    for (const table of ['relay_chats', 'relay_identities', 'relay_inbound', 'relay_outbound', 'relay_numbers', 'relay_authorizations']) {
      expect(await s.database.query(`select 1 from ${table} where organization_id = $1`, [bistro.id]), table).toHaveLength(0);
    }
    // Acme's relay is untouched.
    expect(await s.database.query('select 1 from relay_authorizations where organization_id = $1', [f.org.id])).toHaveLength(1);
  });
});
