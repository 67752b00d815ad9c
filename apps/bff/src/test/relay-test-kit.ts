import { afterAll, beforeAll, describe, expect } from 'vitest';
import { LiveChatChatClient } from '../providers/livechat-chat/livechat-chat.client.ts';
import type { KaleyraPort } from '../providers/kaleyra/kaleyra.port.ts';
import { customer as freshCustomer } from './campaign-test-kit.ts';
import { startStack, waitFor, type SandboxOrg, type Stack } from './stack.ts';
import { DB_KINDS } from './test-db.ts';
import { findOrganization } from '../modules/organizations/organizations.service.ts';
import { registerChatWebhooks } from '../modules/relay/chat-webhooks.ts';

/** A relayed business on a stack: LiveChat connected, the chat webhooks registered, the relay on for every number in group 0. */
export interface RelayFixture {
  org: SandboxOrg;
  owner: string;
  agent: string;
  numbers: RelayNumber[];
}
export interface RelayNumber {
  id: string;
  number: string;
  apiVersion: 'v1' | 'v2';
}

/** What a relay test file shares: a stack with workers, Acme's relay connected, and Acme's v2 number. */
export interface RelayStack {
  s: Stack;
  f: RelayFixture;
  v2: RelayNumber;
}

/**
 * The file's tests on each database, with a stack of their own (workers on, Acme's relay connected); `r` holds it
 * once the tests run.
 */
export function describeRelay(title: string, tests: (r: RelayStack) => void, options: { env?: Record<string, string> } = {}) {
  describe.each(DB_KINDS)(`WhatsApp chats in LiveChat: ${title} (%s)`, (kind) => {
    const r = {} as RelayStack;
    beforeAll(async () => {
      r.s = await startStack(kind, { workers: true, ...(options.env ? { env: options.env } : {}) });
      r.f = await connectRelay(r.s, r.s.orgs[0]!);
      r.v2 = r.f.numbers.find((n) => n.apiVersion === 'v2')!;
    });
    afterAll(async () => {
      await r.s?.close();
    });
    tests(r);
  });
}

export async function connectRelay(s: Stack, org: SandboxOrg): Promise<RelayFixture> {
  const owner = await s.token(org, 'owner');
  const agent = await s.token(org, 'agent');
  const email = org.accounts.find((a) => a.role === 'owner')!.email;
  const redirectUri = `${s.bffUrl}/widget/relay-callback`;
  const { code } = await s.sandboxControl<{ code: string }>('/sandbox/oauth/grant', {
    email,
    response_type: 'code',
    redirect_uri: redirectUri,
  });
  const connected = await s.api(owner, '/api/relay/authorization', { body: { code, redirectUri } });
  expect(connected.status, JSON.stringify(connected.body)).toBe(200);
  const livechat = new LiveChatChatClient({
    accountsUrl: s.sandboxUrl,
    apiUrl: s.sandboxUrl,
    clientId: s.config.LIVECHAT_CLIENT_ID,
    clientSecret: s.config.LIVECHAT_CLIENT_SECRET ?? '',
  });
  await registerChatWebhooks(livechat, owner, {
    url: `${s.bffUrl}/webhooks/livechat-chat`,
    secretKey: s.config.LIVECHAT_CHAT_WEBHOOK_SECRET!,
    clientId: s.config.LIVECHAT_CLIENT_ID,
  });
  const list = (await s.api(owner, '/api/numbers')).body.numbers as RelayNumber[];
  for (const n of list) {
    const r = await s.api(owner, `/api/relay/numbers/${n.id}`, { method: 'PUT', body: { enabled: true, groupId: 0 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  return { org, owner, agent, numbers: list.map((n) => ({ id: n.id, number: n.number, apiVersion: n.apiVersion })) };
}

/** A customer number no other test uses. */
export { freshCustomer };

export interface SandboxChat {
  id: string;
  customer: { id: string; name: string | null; session_fields: Record<string, string>[] };
  active: boolean;
  seen_up_to: Record<string, string>;
  threads: {
    id: string;
    active: boolean;
    events: {
      id: string;
      type: string;
      text?: string;
      visibility: string;
      author_id?: string;
      custom_id?: string;
      created_at: string;
      properties?: { status?: { delivered?: boolean } };
    }[];
  }[];
}

/** The id of the customer's one chat, once it exists and the relay recorded it (agents' replies in it are relayed). */
export async function chatIdOf(s: Stack, org: SandboxOrg, customer: string) {
  const [chat] = await waitFor(
    () => chatsOf(s, org, customer),
    (c) => c.length === 1,
  );
  await waitFor(
    () => s.database.query('select 1 from relay_chats where chat_id = $1', [chat!.id]),
    (rows) => rows.length === 1,
  );
  return chat!.id;
}

export async function chatsOf(s: Stack, org: SandboxOrg, customer: string): Promise<SandboxChat[]> {
  const { chats } = await s.sandboxControl<{ chats: SandboxChat[] }>(`/sandbox/livechat/chats?organization=${org.id}`);
  return chats.filter((c) => c.customer.session_fields.some((f) => f.whatsapp === customer));
}

/** Every event of the customer's one chat, across threads, as agents see them. */
export async function chatEvents(s: Stack, org: SandboxOrg, customer: string) {
  const [chat] = await chatsOf(s, org, customer);
  return chat ? chat.threads.flatMap((t) => t.events) : [];
}

export async function customerWrites(s: Stack, to: string, from: string, body: string, name?: string) {
  const r = await s.sandboxControl<{ delivered: boolean; message_id: string }>('/sandbox/kaleyra/incoming', {
    to,
    from,
    body,
    ...(name ? { name } : {}),
  });
  expect(r.delivered).toBe(true);
  return r.message_id;
}

export async function agentReplies(s: Stack, agent: string, chatId: string, event: Record<string, unknown>) {
  const res = await fetch(`${s.sandboxUrl}/v3.6/agent/action/send_event`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
    body: JSON.stringify({ chat_id: chatId, event }),
  });
  const body = (await res.json()) as { event_id: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.event_id;
}

export async function phoneReceived(s: Stack, business: string, customer: string) {
  return (
    await s.sandboxControl<{ messages: { body?: string; text?: string; type?: string }[] }>(
      `/sandbox/kaleyra/messages?from=${encodeURIComponent(business)}&to=${encodeURIComponent(customer)}`,
    )
  ).messages;
}

export async function outboundRow(s: Stack, eventId: string): Promise<{ status: string; error_code: string | null }> {
  const row = await waitFor(
    async () =>
      (
        await s.database.query<{ status: string; error_code: string | null }>(
          'select status, error_code from relay_outbound where event_id = $1',
          [eventId],
        )
      )[0],
    (r) => !!r && r.status !== 'pending',
    20_000,
  );
  return row!;
}

export async function settledInbound(s: Stack, customer: string, count: number) {
  return waitFor(
    async () =>
      s.database.query<{ status: string; chat_id: string | null }>(
        `select status, chat_id from relay_inbound where customer = $1 and status <> 'pending' order by seq`,
        [customer],
      ),
    (rows) => rows.length >= count,
    20_000,
  );
}

/** A v2 incoming webhook body (Meta's envelope inside Kaleyra's) of one message from `from` to the number. */
export function v2Incoming(to: RelayNumber, from: string, message: Record<string, unknown>, name = 'Customer') {
  return {
    meta_object: {
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: to.number.slice(1) },
        contacts: [{ profile: { name }, wa_id: from.slice(1) }],
        messages: [{ from: from.slice(1), timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
      },
    },
    extra_info: {},
  };
}

/** Kaleyra's incoming webhook to the BFF, as Kaleyra authenticates it. */
export async function postIncoming(s: Stack, org: SandboxOrg, body: unknown) {
  const row = await findOrganization(s.database.db, org.id);
  return fetch(`${s.bffUrl}/webhooks/kaleyra/${org.id}/incoming`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${org.id}:${row!.webhookSecret}`).toString('base64')}`,
    },
    body: JSON.stringify(body),
  });
}

/** A LiveChat chat webhook to the BFF (the envelope carries its own secret_key). */
export function postChatWebhook(s: Stack, body: unknown) {
  return fetch(`${s.bffUrl}/webhooks/livechat-chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A file an agent uploads to LiveChat's CDN; its link. */
export async function uploadFile(s: Stack, agent: string, name: string, type: string, bytes: Uint8Array) {
  const form = new FormData();
  form.set('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${s.sandboxUrl}/v3.6/agent/action/upload_file`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent}` },
    body: form,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { url: string }).url;
}

/**
 * An agent's reply whose first send stops as in a process that died: after its message was recorded and before
 * Kaleyra's answer was heard (`reachesKaleyra`: Kaleyra took it and its answer is lost, or it never got there). The
 * job's retry finds the message recorded with its outcome unknown. On `number` of `fx` (Acme's v2 number by default);
 * `meanwhile` runs after the message was recorded, before the send stops. Returns once the message is recorded.
 */
export async function replyCutOff(
  { s, f, v2 }: RelayStack,
  text: string,
  o: { reachesKaleyra: boolean; fx?: RelayFixture; number?: RelayNumber; meanwhile?: (customer: string) => Promise<void> },
) {
  const fx = o.fx ?? f;
  const number = o.number ?? v2;
  const customer = freshCustomer();
  await customerWrites(s, number.number, customer, 'hello?');
  const chatId = await chatIdOf(s, fx.org, customer);
  const kaleyra = (s.services.messaging as unknown as { kaleyra: KaleyraPort }).kaleyra;
  const send = kaleyra.send;
  kaleyra.send = async (req) => {
    if (req.to !== customer) return send.call(kaleyra, req);
    kaleyra.send = send;
    if (o.reachesKaleyra) await send.call(kaleyra, req);
    await o.meanwhile?.(customer);
    throw new Error('the process stopped');
  };
  const eventId = await agentReplies(s, fx.agent, chatId, { type: 'message', text });
  const [message] = await waitFor(
    () =>
      s.database.query<{ id: string; conversation_id: string; created_at: Date }>(
        'select id, conversation_id, created_at from messages where client_ref = $1',
        [`relay:${eventId}`],
      ),
    (rows) => rows.length === 1,
  );
  return { customer, chatId, eventId, message: message! };
}

/** Seals a relay job's payload as the relay does, for a job made by hand. */
export function sealFor(s: Stack, organizationId: string, payload: unknown): string {
  const vault = (s.services.relay as unknown as { vault: { seal(org: string, text: string): string } }).vault;
  return vault.seal(organizationId, JSON.stringify(payload));
}
