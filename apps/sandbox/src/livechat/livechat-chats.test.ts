import { describe, expect, it } from 'vitest';
import { useSandboxWithReceiver } from '../lib/test-helpers.ts';

/** Retries `check` until it stops throwing (webhooks arrive in the background). */
async function eventually(check: () => unknown, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const sb = useSandboxWithReceiver();
const CLIENT = 'wa-livechat-app';
const ACME = 10001;
const BISTRO = 10002;

async function agentToken(scope?: string, organization: number = ACME, role: 'owner' | 'agent' = 'owner') {
  const res = await sb.call('POST', '/sandbox/tokens', { json: { organization, role, ...(scope ? { scope } : {}) } });
  expect(res.status).toBe(200);
  return res.body as { access_token: string; organization_id: string; account_id: string };
}

function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

async function customerToken(agent: string, entityId?: string) {
  const res = await sb.call('POST', '/v2/customer/token', {
    headers: bearer(agent),
    json: { grant_type: 'agent_token', client_id: CLIENT, response_type: 'token', ...(entityId ? { entity_id: entityId } : {}) },
  });
  return res;
}

function customerCall(token: string, organizationId: string, action: string, json: unknown) {
  return sb.call('POST', `/v3.6/customer/action/${action}?organization_id=${organizationId}`, { headers: bearer(token), json });
}

function agentCall(token: string, action: string, json: unknown) {
  return sb.call('POST', `/v3.6/agent/action/${action}`, { headers: bearer(token), json });
}

function configurationCall(token: string, action: string, json: unknown) {
  return sb.call('POST', `/v3.6/configuration/action/${action}`, { headers: bearer(token), json });
}

async function register(agent: string, action: string, filters?: Record<string, unknown>) {
  const res = await configurationCall(agent, 'register_webhook', {
    url: `${sb.receiver.url}/livechat`,
    action,
    secret_key: 'chat-webhook-secret-123456',
    owner_client_id: CLIENT,
    type: 'license',
    ...(filters ? { filters } : {}),
  });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

function received(action: string) {
  return sb.receiver.requests.map((r) => JSON.parse(r.body)).filter((b) => b.action === action);
}

describe('LiveChat agent-token grant', () => {
  it('creates a customer identity, renews its token with the same entity_id, and checks customers:own', async () => {
    const agent = await agentToken();
    const first = await customerToken(agent.access_token);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      client_id: CLIENT,
      expires_in: 28800,
      token_type: 'Bearer',
      organization_id: agent.organization_id,
    });
    const again = await customerToken(agent.access_token, first.body.entity_id);
    expect(again.body.entity_id).toBe(first.body.entity_id);
    expect(again.body.access_token).not.toBe(first.body.access_token);

    const narrow = await agentToken('billing_manage--all accounts--my:ro');
    expect((await customerToken(narrow.access_token)).status).toBe(403);
    expect((await customerToken(agent.access_token, 'not-a-customer')).status).toBe(400);
    expect(
      (await sb.call('POST', '/v2/customer/token', { json: { grant_type: 'agent_token', client_id: CLIENT, response_type: 'token' } }))
        .status,
    ).toBe(401);
  });

  it('an expired customer token is refused until renewed with the same entity_id', async () => {
    const agent = await agentToken();
    const customer = (await customerToken(agent.access_token)).body;
    await sb.call('POST', '/sandbox/livechat/expire-customer-tokens', { json: { entity_id: customer.entity_id } });
    const refused = await customerCall(customer.access_token, customer.organization_id, 'list_chats', {});
    expect(refused.status).toBe(401);
    expect(refused.body.error.type).toBe('authentication');
    const renewed = (await customerToken(agent.access_token, customer.entity_id)).body;
    expect((await customerCall(renewed.access_token, renewed.organization_id, 'list_chats', {})).status).toBe(200);
  });
});

describe('Customer Chat API and chat webhooks', () => {
  it('start_chat, send_event, deactivate and resume, with the v3.6 webhooks', async () => {
    const agent = await agentToken();
    await register(agent.access_token, 'incoming_chat');
    await register(agent.access_token, 'incoming_event', { author_type: 'agent', only_my_chats: true });
    await register(agent.access_token, 'chat_deactivated');
    const customer = (await customerToken(agent.access_token)).body;
    const org = customer.organization_id as string;

    const started = await customerCall(customer.access_token, org, 'start_chat', {
      chat: { access: { group_ids: [1] }, thread: { events: [{ type: 'message', text: 'Hello from WhatsApp', custom_id: 'wa:1' }] } },
      continuous: true,
    });
    expect(started.status).toBe(200);
    expect(started.body.event_ids).toHaveLength(1);
    const chatId = started.body.chat_id as string;
    expect(chatId).toMatch(/^[A-Z0-9]{10}$/);

    // The customer may not start a second chat: one identity, one chat.
    expect((await customerCall(customer.access_token, org, 'start_chat', {})).status).toBe(400);

    const agentReply = await agentCall(agent.access_token, 'send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Hi, how can I help?' },
    });
    expect(agentReply.status).toBe(200);
    const note = await agentCall(agent.access_token, 'send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'internal', visibility: 'agents' },
    });
    expect(note.status).toBe(200);
    const customerMessage = await customerCall(customer.access_token, org, 'send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Where is my order?' },
    });
    expect(customerMessage.status).toBe(200);

    await eventually(() => {
      expect(received('incoming_chat')).toHaveLength(1);
      // author_type agent: the two agent events, not the customer's.
      expect(received('incoming_event')).toHaveLength(2);
    });
    const [chatHook] = received('incoming_chat');
    expect(chatHook).toMatchObject({ secret_key: 'chat-webhook-secret-123456', organization_id: org, payload: { chat: { id: chatId } } });
    const events = received('incoming_event').map((b) => b.payload.event);
    expect(events.map((e) => e.visibility)).toEqual(['all', 'agents']);
    expect(events[0]).toMatchObject({ type: 'message', text: 'Hi, how can I help?', author_id: agent.account_id });

    // The customer never sees agents-only notes.
    const seen = await customerCall(customer.access_token, org, 'get_chat', { chat_id: chatId });
    expect(seen.body.thread.events.map((e: { text: string }) => e.text)).toEqual([
      'Hello from WhatsApp',
      'Hi, how can I help?',
      'Where is my order?',
    ]);

    const archived = await agentCall(agent.access_token, 'deactivate_chat', { id: chatId });
    expect(archived.status).toBe(200);
    await eventually(() => expect(received('chat_deactivated')[0]?.payload).toMatchObject({ chat_id: chatId, user_id: agent.account_id }));

    const inactive = await customerCall(customer.access_token, org, 'send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'again' },
    });
    expect(inactive.body.error.type).toBe('chat_inactive');
    const resumed = await customerCall(customer.access_token, org, 'resume_chat', {
      chat: { id: chatId, thread: { events: [{ type: 'message', text: 'again' }] } },
      continuous: true,
    });
    expect(resumed.status).toBe(200);
    const chat = await agentCall(agent.access_token, 'get_chat', { chat_id: chatId });
    expect(chat.body.thread).toMatchObject({ id: resumed.body.thread_id, active: true, previous_thread_id: started.body.thread_id });
    await eventually(() => expect(received('incoming_chat')).toHaveLength(2));
  });

  it('uploads a file, serves it from the CDN URL, and takes only such URLs in file events', async () => {
    const agent = await agentToken();
    const customer = (await customerToken(agent.access_token)).body;
    const org = customer.organization_id as string;
    const { chat_id: chatId } = (await customerCall(customer.access_token, org, 'start_chat', { continuous: true })).body;

    const form = new FormData();
    const bytes = new Uint8Array([37, 80, 68, 70, 45, 49, 46, 52, 10]);
    form.set('file', new Blob([bytes], { type: 'application/pdf' }), 'invoice.pdf');
    const uploaded = await fetch(`${sb.url}/v3.6/customer/action/upload_file?organization_id=${org}`, {
      method: 'POST',
      headers: bearer(customer.access_token),
      body: form,
    });
    expect(uploaded.status).toBe(200);
    const { url } = (await uploaded.json()) as { url: string };
    expect(url).toMatch(/\/cdn\/api\/file\/lc\/att\/10001\/[0-9a-f]+\/invoice\.pdf$/);
    const served = await fetch(url);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);

    const sent = await customerCall(customer.access_token, org, 'send_event', { chat_id: chatId, event: { type: 'file', url } });
    expect(sent.status).toBe(200);
    const chat = await agentCall(agent.access_token, 'get_chat', { chat_id: chatId });
    expect(chat.body.thread.events[0]).toMatchObject({
      type: 'file',
      name: 'invoice.pdf',
      content_type: 'application/pdf',
      size: bytes.length,
      url,
    });

    const foreign = await customerCall(customer.access_token, org, 'send_event', {
      chat_id: chatId,
      event: { type: 'file', url: 'https://example.com/x.png' },
    });
    expect(foreign.body.error.type).toBe('validation');

    const big = new FormData();
    big.set('file', new Blob([new Uint8Array(10 * 1024 * 1024 + 1)]), 'big.bin');
    const tooLarge = await fetch(`${sb.url}/v3.6/customer/action/upload_file?organization_id=${org}`, {
      method: 'POST',
      headers: bearer(customer.access_token),
      body: big,
    });
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { type: string } }).error.type).toBe('entity_too_large');
  });

  it('keeps customers of one license away from another license and checks organization_id', async () => {
    const acme = await agentToken();
    const bistro = await agentToken(undefined, BISTRO);
    const customer = (await customerToken(acme.access_token)).body;
    const { chat_id: chatId } = (await customerCall(customer.access_token, customer.organization_id, 'start_chat', {})).body;
    expect((await customerCall(customer.access_token, bistro.organization_id, 'get_chat', { chat_id: chatId })).status).toBe(403);
    const foreign = await agentCall(bistro.access_token, 'send_event', { chat_id: chatId, event: { type: 'message', text: 'x' } });
    expect(foreign.body.error.type).toBe('not_found');
  });

  it('update_customer and session fields show on the chat; mark_events_as_seen sends its webhook', async () => {
    const agent = await agentToken();
    await register(agent.access_token, 'events_marked_as_seen');
    const customer = (await customerToken(agent.access_token)).body;
    const org = customer.organization_id as string;
    expect((await customerCall(customer.access_token, org, 'update_customer', {})).status).toBe(400);
    await customerCall(customer.access_token, org, 'update_customer', { name: 'Maria', session_fields: [{ whatsapp: '+34612345678' }] });
    await customerCall(customer.access_token, org, 'set_customer_session_fields', {
      session_fields: [{ business_number: '+48221234567' }],
    });
    const { chat_id: chatId } = (await customerCall(customer.access_token, org, 'start_chat', {})).body;
    const listed = await sb.call('GET', '/sandbox/livechat/chats?organization=10001');
    expect(listed.body.chats[0].customer).toEqual({
      id: customer.entity_id,
      name: 'Maria',
      session_fields: [{ whatsapp: '+34612345678' }, { business_number: '+48221234567' }],
    });
    const at = new Date().toISOString();
    expect((await customerCall(customer.access_token, org, 'mark_events_as_seen', { chat_id: chatId, seen_up_to: at })).status).toBe(200);
    await eventually(() =>
      expect(received('events_marked_as_seen')[0]?.payload).toMatchObject({ chat_id: chatId, user_id: customer.entity_id, seen_up_to: at }),
    );
  });
});

describe('Configuration API and faults', () => {
  it('registers at most three webhooks per action, lists them without secrets, unregisters', async () => {
    const agent = await agentToken();
    const ids = [
      await register(agent.access_token, 'incoming_event'),
      await register(agent.access_token, 'incoming_event'),
      await register(agent.access_token, 'incoming_event'),
    ];
    const fourth = await configurationCall(agent.access_token, 'register_webhook', {
      url: `${sb.receiver.url}/x`,
      action: 'incoming_event',
      secret_key: 's',
      owner_client_id: CLIENT,
      type: 'license',
    });
    expect(fourth.body.error.type).toBe('limit_reached');
    const listed = await configurationCall(agent.access_token, 'list_webhooks', { owner_client_id: CLIENT });
    expect(listed.body.map((w: { id: string }) => w.id).sort()).toEqual([...ids].sort());
    expect(JSON.stringify(listed.body)).not.toContain('chat-webhook-secret');
    expect((await configurationCall(agent.access_token, 'unregister_webhook', { id: ids[0], owner_client_id: CLIENT })).status).toBe(200);
    expect((await configurationCall(agent.access_token, 'list_webhooks', { owner_client_id: CLIENT })).body).toHaveLength(2);
    const narrow = await agentToken('accounts--my:ro');
    expect((await configurationCall(narrow.access_token, 'list_webhooks', { owner_client_id: CLIENT })).status).toBe(403);
  });

  it('a bot made at setup posts agents-only notes with its own token', async () => {
    const agent = await agentToken();
    const groups = await configurationCall(agent.access_token, 'list_groups', {});
    expect(groups.body.map((g: { id: number }) => g.id)).toContain(0);
    const bot = (await configurationCall(agent.access_token, 'create_bot', { name: 'WhatsApp', owner_client_id: CLIENT })).body;
    expect(bot).toMatchObject({ id: expect.any(String), secret: expect.any(String) });
    const wrong = await configurationCall('', 'issue_bot_token', {
      bot_id: bot.id,
      client_id: CLIENT,
      bot_secret: 'nope',
      organization_id: agent.organization_id,
    });
    expect(wrong.status).toBe(401);
    const { token } = (
      await configurationCall('', 'issue_bot_token', {
        bot_id: bot.id,
        client_id: CLIENT,
        bot_secret: bot.secret,
        organization_id: agent.organization_id,
      })
    ).body;
    const customer = (await customerToken(agent.access_token)).body;
    const { chat_id: chatId } = (await customerCall(customer.access_token, customer.organization_id, 'start_chat', {})).body;
    const posted = await agentCall(token, 'send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'Window closed: send a template', visibility: 'agents' },
    });
    expect(posted.status).toBe(200);
    const chat = await agentCall(agent.access_token, 'get_chat', { chat_id: chatId });
    expect(chat.body.thread.events.at(-1)).toMatchObject({ author_id: bot.id, visibility: 'agents' });
    expect(chat.body.users.some((u: { id: string; type: string }) => u.id === bot.id && u.type === 'bot')).toBe(true);
  });

  it('injected 5xx and 429 answer in the error envelope, then the next call goes through', async () => {
    const agent = await agentToken();
    await sb.call('POST', '/sandbox/livechat/fail-next', { json: { action: 'accounts/customer_token', mode: 'http503' } });
    await sb.call('POST', '/sandbox/livechat/fail-next', { json: { action: 'accounts/customer_token', mode: 'http429' } });
    const first = await customerToken(agent.access_token);
    expect(first.status).toBe(503);
    expect(first.body.error.type).toBe('service_unavailable');
    const second = await customerToken(agent.access_token);
    expect(second.status).toBe(429);
    expect(second.body.error.type).toBe('too_many_requests');
    expect((await customerToken(agent.access_token)).status).toBe(200);
  });

  it('retries a webhook that got no 2xx, as LiveChat does', async () => {
    const agent = await agentToken();
    await register(agent.access_token, 'incoming_chat');
    sb.receiver.setStatus(500);
    const customer = (await customerToken(agent.access_token)).body;
    await customerCall(customer.access_token, customer.organization_id, 'start_chat', {});
    await eventually(async () => {
      const deliveries = (await sb.call('GET', '/sandbox/livechat/webhook-deliveries?action=incoming_chat')).body.deliveries;
      expect(deliveries[0]).toMatchObject({ outcome: 'failed', status: 500 });
      expect(deliveries[0].attempts).toHaveLength(4);
    }, 10_000);
  });
});
