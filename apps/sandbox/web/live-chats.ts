/**
 * The chats that exist in the sandbox's LiveChat stand-in, as the agent app shows them: a list, a transcript with
 * files, delivery ticks and agents-only notes, and the agent's actions through the Agent Chat API v3.6 with the
 * signed-in agent's own token (send_event, upload_file, deactivate_chat).
 */
import type { CustomerProfile } from '../src/seed.ts';
import { avatar, clock, h } from './dom.ts';

export interface LiveEvent {
  id: string;
  created_at: string;
  type: 'message' | 'file' | 'system_message' | string;
  author_id?: string;
  visibility: 'all' | 'agents';
  text?: string;
  name?: string;
  url?: string;
  content_type?: string;
  properties?: Record<string, Record<string, unknown>>;
}

export interface LiveThread {
  id: string;
  created_at: string;
  active: boolean;
  events: LiveEvent[];
}

export interface LiveChat {
  id: string;
  customer: { id: string; name: string | null; session_fields: Record<string, string>[] };
  users: { id: string; type: string; name?: string }[];
  access: { group_ids: number[] };
  active: boolean;
  seen_up_to: Record<string, string>;
  threads: LiveThread[];
}

export interface Agent {
  token: string;
  accountId: string;
  license: string;
}

/** Signs the host page in as the license's agent (the sandbox's token endpoint stands in for LiveChat's login). */
export async function signInAgent(license: string): Promise<Agent> {
  const res = await fetch('/sandbox/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organization: license, role: 'agent' }),
  });
  if (!res.ok) throw new Error(`sign-in failed (${res.status})`);
  const body = (await res.json()) as { access_token: string; account_id: string };
  return { token: body.access_token, accountId: body.account_id, license };
}

export async function fetchChats(license: string): Promise<LiveChat[]> {
  const res = await fetch(`/sandbox/livechat/chats?organization=${encodeURIComponent(license)}`);
  if (!res.ok) return [];
  return ((await res.json()) as { chats: LiveChat[] }).chats;
}

export class AgentApiError extends Error {}

async function agentAction(agent: Agent, action: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`/v3.6/agent/action/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown> & { error?: { type?: string; message?: string } };
  if (!res.ok) throw new AgentApiError(answer.error?.message ?? `${action} failed (${res.status})`);
  return answer;
}

export function sendText(
  agent: Agent,
  chatId: string,
  text: string,
  visibility: 'all' | 'agents' = 'all',
): Promise<Record<string, unknown>> {
  return agentAction(agent, 'send_event', { chat_id: chatId, event: { type: 'message', text, visibility } });
}

/** As the agent app does: upload_file (multipart) for a CDN URL, then a file event with it. */
export async function sendFile(agent: Agent, chatId: string, file: File): Promise<Record<string, unknown>> {
  const form = new FormData();
  form.set('file', file, file.name);
  const res = await fetch('/v3.6/agent/action/upload_file', {
    method: 'POST',
    headers: { authorization: `Bearer ${agent.token}` },
    body: form,
  });
  const uploaded = (await res.json().catch(() => ({}))) as { url?: string; error?: { message?: string } };
  if (!res.ok || !uploaded.url) throw new AgentApiError(uploaded.error?.message ?? `upload_file failed (${res.status})`);
  return agentAction(agent, 'send_event', { chat_id: chatId, event: { type: 'file', url: uploaded.url } });
}

export function archive(agent: Agent, chatId: string): Promise<Record<string, unknown>> {
  return agentAction(agent, 'deactivate_chat', { id: chatId });
}

// ---------------------------------------------------------------------------------------------------------------
// views

function sessionField(chat: LiveChat, pattern: RegExp): string | undefined {
  for (const field of chat.customer.session_fields) {
    for (const [key, value] of Object.entries(field)) if (pattern.test(key)) return value;
  }
  return undefined;
}

export function customerName(chat: LiveChat): string {
  return chat.customer.name ?? sessionField(chat, /whatsapp|phone/i) ?? 'Customer';
}

function lastEvent(chat: LiveChat): LiveEvent | undefined {
  return chat.threads.at(-1)?.events.at(-1);
}

function preview(chat: LiveChat, event: LiveEvent | undefined): string {
  if (!event) return chat.active ? '' : 'Archived';
  const who = event.author_id === chat.customer.id ? '' : event.visibility === 'agents' ? 'Note: ' : 'You: ';
  return `${who}${event.type === 'file' ? `File: ${event.name ?? 'file'}` : (event.text ?? '')}`;
}

export function chatListItem(chat: LiveChat, index: number, selected: boolean, onSelect: () => void): HTMLElement {
  const last = lastEvent(chat);
  const item = h(
    'button',
    {
      class: `lc-chat-item${selected ? ' is-selected' : ''}${chat.active ? '' : ' is-archived'}`,
      'data-testid': `live-chat-${chat.id}`,
      'data-chat-id': chat.id,
      role: 'listitem',
      'aria-current': selected ? 'true' : undefined,
    },
    [
      avatar(customerName(chat), index + 2, '', chat.active),
      h('span', { class: 'lc-chat-item__body' }, [
        h('span', { class: 'lc-chat-item__row' }, [
          h('span', { class: 'lc-chat-item__name' }, [customerName(chat)]),
          h('span', { class: 'lc-chat-item__time' }, [last ? clock(last.created_at) : '']),
        ]),
        h('span', { class: 'lc-chat-item__preview', style: 'display:block' }, [preview(chat, last)]),
      ]),
    ],
  );
  item.addEventListener('click', onSelect);
  return item;
}

/** ✓ sent; ✓✓ delivered (`status.delivered` set by the integration); blue ✓✓ seen by the customer. */
function tick(chat: LiveChat, event: LiveEvent): HTMLElement {
  const seenUpTo = chat.seen_up_to[chat.customer.id];
  const delivered = event.properties?.status?.delivered === true;
  const seen = seenUpTo !== undefined && seenUpTo >= event.created_at && delivered;
  const status = seen ? 'seen' : delivered ? 'delivered' : 'sent';
  const label = { seen: 'Seen', delivered: 'Delivered', sent: 'Sent' }[status];
  return h(
    'span',
    { class: `lc-tick lc-tick--${status}`, 'data-testid': 'tick', 'data-status': status, title: label, 'aria-label': label },
    [status === 'sent' ? '✓' : '✓✓'],
  );
}

function fileContent(event: LiveEvent): HTMLElement {
  const url = event.url ?? '';
  if ((event.content_type ?? '').startsWith('image/')) {
    return h('a', { href: url, target: '_blank', rel: 'noreferrer' }, [
      h('img', { class: 'lc-file-image', src: url, alt: event.name ?? 'Image' }),
    ]);
  }
  return h('a', { class: 'lc-file', href: url, target: '_blank', rel: 'noreferrer' }, [event.name ?? 'File']);
}

function authorName(chat: LiveChat, id: string | undefined): string {
  return chat.users.find((u) => u.id === id)?.name ?? (chat.users.find((u) => u.id === id)?.type === 'bot' ? 'Bot' : 'Agent');
}

function eventView(chat: LiveChat, event: LiveEvent, index: number): HTMLElement {
  const attrs = { 'data-testid': 'live-event', 'data-event-id': event.id, 'data-type': event.type };
  if (event.type === 'system_message')
    return h('div', { class: 'lc-system', ...attrs }, [`${event.text ?? ''} · ${clock(event.created_at)}`]);
  if (event.visibility === 'agents') {
    return h('div', { class: 'lc-note', ...attrs, 'data-visibility': 'agents' }, [
      h('div', { class: 'lc-note__head' }, [`Note · ${authorName(chat, event.author_id)} · only agents see this`]),
      event.type === 'file' ? fileContent(event) : h('div', { class: 'lc-note__text' }, [event.text ?? '']),
    ]);
  }
  const fromCustomer = event.author_id === chat.customer.id;
  const content = event.type === 'file' ? fileContent(event) : (event.text ?? '');
  return h(
    'div',
    { class: `lc-msg lc-msg--${fromCustomer ? 'customer' : 'agent'}`, ...attrs, 'data-author': fromCustomer ? 'customer' : 'agent' },
    [
      fromCustomer ? avatar(customerName(chat), index + 2) : avatar(authorName(chat, event.author_id), 3),
      h('div', { class: `lc-msg__bubble${event.type === 'file' ? ' lc-msg__bubble--file' : ''}` }, [content]),
      h('span', { class: 'lc-msg__time' }, [clock(event.created_at), ...(fromCustomer ? [] : [' ', tick(chat, event)])]),
    ],
  );
}

export function transcriptView(chat: LiveChat, index: number): HTMLElement[] {
  const out: HTMLElement[] = [];
  chat.threads.forEach((thread, position) => {
    out.push(
      h('div', { class: 'lc-day', 'data-testid': 'thread-start', 'data-thread-id': thread.id }, [
        position === 0 ? `Chat started · ${clock(thread.created_at)}` : `Chat resumed · ${clock(thread.created_at)}`,
      ]),
    );
    for (const event of thread.events) out.push(eventView(chat, event, index));
    if (!thread.active) out.push(h('div', { class: 'lc-system', 'data-testid': 'thread-archived' }, ['Chat archived']));
  });
  return out;
}

export function customerCardView(
  chat: LiveChat,
  index: number,
  facts: (icon: string, text: string) => HTMLElement,
  icon: { hash: string; survey: string },
): HTMLElement[] {
  const rows = [facts(icon.hash, `Chat ID ${chat.id}`)];
  for (const field of chat.customer.session_fields) {
    for (const [key, value] of Object.entries(field)) rows.push(facts(icon.survey, `${key}: ${value}`));
  }
  return [
    h('div', { class: 'lc-customer' }, [
      avatar(customerName(chat), index + 2, 'lc-avatar--lg'),
      h('div', {}, [
        h('div', { class: 'lc-customer__name' }, [customerName(chat)]),
        h('div', { class: 'lc-customer__email' }, [chat.active ? 'Ongoing chat' : 'Archived']),
      ]),
    ]),
    h('ul', { class: 'lc-facts', 'data-testid': 'live-session-fields' }, rows),
  ];
}

/** customer_profile as the agent app pushes it for a chat: the customer, and `chat: {id, groupID}`. */
export function profileOf(chat: LiveChat): CustomerProfile {
  return {
    id: chat.customer.id,
    name: customerName(chat),
    geolocation: { country: '', country_code: '', region: '', city: '', timezone: '' },
    chat: { id: chat.id, groupID: String(chat.access.group_ids[0] ?? 0) },
    source: 'chats',
  };
}
