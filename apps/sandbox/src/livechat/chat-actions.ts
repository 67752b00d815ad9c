import { z } from 'zod';
import type { Response } from 'express';
import type { SandboxContext } from '../state.ts';
import { chatId, type ChatEvent, type ChatRecord, type ChatStore, type ChatThread, type EventVisibility } from './chat-store.ts';
import { emitChatWebhook, type AuthorType } from './chat-webhooks.ts';

/** LiveChat's error envelope: `{error: {type, message}}`. Integrations must branch on `type`, not the status. */
export class ChatApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendChatError(res: Response, error: unknown): void {
  if (error instanceof ChatApiError) {
    res.status(error.status).json({ error: { type: error.type, message: error.message } });
    return;
  }
  if (error instanceof z.ZodError) {
    const first = error.issues[0];
    const where = first ? first.path.map(String).join('.') : '';
    res
      .status(400)
      .json({ error: { type: 'validation', message: `${where ? `${where}: ` : ''}${first?.message ?? 'Wrong format of request'}` } });
    return;
  }
  console.error('[sandbox] chat API error:', error);
  res.status(500).json({ error: { type: 'internal', message: 'Internal server error' } });
}

const MAX_TEXT_BYTES = 16 * 1024;

const Properties = z.record(z.string(), z.record(z.string(), z.unknown())).optional();

export const EventInput = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    text: z
      .string()
      .min(1)
      .refine((t) => Buffer.byteLength(t) <= MAX_TEXT_BYTES, 'text is longer than 16 KB'),
    custom_id: z.string().max(256).optional(),
    visibility: z.enum(['all', 'agents']).optional(),
    recipients: z.enum(['all', 'agents']).optional(),
    properties: Properties,
  }),
  z.object({
    type: z.literal('file'),
    url: z.string().min(1),
    custom_id: z.string().max(256).optional(),
    visibility: z.enum(['all', 'agents']).optional(),
    recipients: z.enum(['all', 'agents']).optional(),
    properties: Properties,
  }),
]);
export type EventInput = z.infer<typeof EventInput>;

export interface Author {
  id: string;
  type: AuthorType;
  /** Client id of the token that acted: events and chats started through it carry `properties.source.client_id`. */
  clientId: string;
}

/** The file id behind a CDN URL this sandbox issued, or undefined for any other URL. */
export function fileIdOfUrl(url: string): string | undefined {
  const match = /\/cdn\/api\/file\/lc\/att\/[^/]+\/([^/]+)\//.exec(url);
  return match?.[1];
}

function buildEvent(store: ChatStore, thread: ChatThread, input: EventInput, author: Author, organizationId: string): ChatEvent {
  const visibility: EventVisibility = input.visibility ?? input.recipients ?? 'all';
  const properties = { ...(input.properties ?? {}), source: { client_id: author.clientId } };
  const base = {
    id: `${thread.id}_${thread.events.length + 1}`,
    created_at: new Date().toISOString(),
    author_id: author.id,
    visibility,
    properties,
    ...(input.custom_id === undefined ? {} : { custom_id: input.custom_id }),
  };
  if (input.type === 'message') return { ...base, type: 'message', text: input.text };
  const fileId = fileIdOfUrl(input.url);
  const file = fileId ? store.files.get(fileId) : undefined;
  if (!file || file.organization_id !== organizationId) {
    throw new ChatApiError(400, 'validation', 'event.url must be a URL returned by upload_file');
  }
  if (!file.used && Date.now() - file.uploaded_at > 24 * 3600_000) {
    throw new ChatApiError(400, 'validation', 'event.url has expired');
  }
  file.used = true;
  return { ...base, type: 'file', url: input.url, name: file.name, content_type: file.content_type, size: file.bytes.length };
}

function newThread(chat: ChatRecord, userIds: string[]): ChatThread {
  const previous = chat.threads.at(-1);
  const thread: ChatThread = {
    id: chatId(),
    created_at: new Date().toISOString(),
    active: true,
    user_ids: userIds,
    events: [],
    properties: {},
    access: chat.access,
    ...(previous ? { previous_thread_id: previous.id } : {}),
  };
  chat.threads.push(thread);
  return thread;
}

function appendEvents(store: ChatStore, chat: ChatRecord, thread: ChatThread, inputs: EventInput[], author: Author): string[] {
  // Validate every event before any is stored: a bad one leaves the thread as it was.
  const events: ChatEvent[] = [];
  for (const input of inputs) {
    const event = buildEvent(store, { ...thread, events: [...thread.events, ...events] }, input, author, chat.organization_id);
    events.push(event);
  }
  for (const event of events) {
    thread.events.push(event);
    if (author.type === 'agent' && !chat.agent_ids.includes(author.id)) chat.agent_ids.push(author.id);
    if (!thread.user_ids.includes(author.id)) thread.user_ids.push(author.id);
  }
  chat.seen_up_to[author.id] = new Date().toISOString();
  return events.map((e) => e.id);
}

function emitIncomingEvents(
  ctx: SandboxContext,
  store: ChatStore,
  chat: ChatRecord,
  thread: ChatThread,
  ids: string[],
  author: Author,
): void {
  for (const id of ids) {
    const event = thread.events.find((e) => e.id === id);
    if (!event) continue;
    emitChatWebhook(ctx, store, {
      action: 'incoming_event',
      organizationId: chat.organization_id,
      chat,
      payload: { chat_id: chat.id, thread_id: thread.id, event: publicEvent(event) },
      authorType: author.type,
    });
  }
}

export const StartChatInput = z.object({
  chat: z
    .object({
      access: z.object({ group_ids: z.array(z.number().int().min(0)) }).optional(),
      properties: Properties,
      thread: z.object({ events: z.array(EventInput).optional(), properties: Properties }).optional(),
    })
    .optional(),
  active: z.boolean().optional(),
  continuous: z.boolean().optional(),
});

export function startChat(
  ctx: SandboxContext,
  store: ChatStore,
  customerId: string,
  organizationId: string,
  input: z.infer<typeof StartChatInput>,
  author: Author,
  groupExists: (id: number) => boolean,
): { chat_id: string; thread_id: string; event_ids?: string[] } {
  if (store.chatOfCustomer(customerId)) {
    throw new ChatApiError(400, 'validation', 'The customer already has a chat: resume it with resume_chat');
  }
  const groupIds = input.chat?.access?.group_ids ?? [0];
  for (const id of groupIds) if (!groupExists(id)) throw new ChatApiError(404, 'group_not_found', 'Group not found');
  const chat: ChatRecord = {
    id: chatId(),
    organization_id: organizationId,
    customer_id: customerId,
    access: { group_ids: groupIds },
    properties: { ...(input.chat?.properties ?? {}), source: { client_id: author.clientId } },
    threads: [],
    seen_up_to: {},
    agent_ids: [],
  };
  const thread = newThread(chat, [customerId]);
  thread.properties = input.chat?.thread?.properties ?? {};
  const ids = appendEvents(store, chat, thread, input.chat?.thread?.events ?? [], author);
  store.chats.set(chat.id, chat);
  emitChatWebhook(ctx, store, {
    action: 'incoming_chat',
    organizationId,
    chat,
    payload: { chat: { id: chat.id, users: chatUsers(store, chat), properties: chat.properties, thread: publicThread(thread) } },
  });
  emitIncomingEvents(ctx, store, chat, thread, ids, author);
  return { chat_id: chat.id, thread_id: thread.id, ...(ids.length ? { event_ids: ids } : {}) };
}

export const ResumeChatInput = z.object({
  chat: z.object({
    id: z.string().min(1),
    access: z.object({ group_ids: z.array(z.number().int().min(0)) }).optional(),
    properties: Properties,
    thread: z.object({ events: z.array(EventInput).optional(), properties: Properties }).optional(),
  }),
  active: z.boolean().optional(),
  continuous: z.boolean().optional(),
});

export function resumeChat(
  ctx: SandboxContext,
  store: ChatStore,
  chat: ChatRecord,
  input: z.infer<typeof ResumeChatInput>,
  author: Author,
): { thread_id: string; event_ids?: string[] } {
  if (store.activeThread(chat)) throw new ChatApiError(400, 'validation', 'Chat is already active');
  if (input.chat.access) chat.access = input.chat.access;
  if (input.chat.properties) chat.properties = { ...chat.properties, ...input.chat.properties };
  const thread = newThread(chat, [chat.customer_id]);
  thread.properties = input.chat.thread?.properties ?? {};
  const ids = appendEvents(store, chat, thread, input.chat.thread?.events ?? [], author);
  emitChatWebhook(ctx, store, {
    action: 'incoming_chat',
    organizationId: chat.organization_id,
    chat,
    payload: { chat: { id: chat.id, users: chatUsers(store, chat), properties: chat.properties, thread: publicThread(thread) } },
  });
  emitIncomingEvents(ctx, store, chat, thread, ids, author);
  return { thread_id: thread.id, ...(ids.length ? { event_ids: ids } : {}) };
}

export function sendEvent(
  ctx: SandboxContext,
  store: ChatStore,
  chat: ChatRecord,
  input: EventInput,
  author: Author,
  attachToLastThread = false,
): { event_id: string } {
  let thread = store.activeThread(chat);
  if (!thread && attachToLastThread) thread = store.lastThread(chat);
  if (!thread) throw new ChatApiError(400, 'chat_inactive', 'Chat is inactive');
  const [id] = appendEvents(store, chat, thread, [input], author);
  emitIncomingEvents(ctx, store, chat, thread, [id!], author);
  return { event_id: id! };
}

export function deactivateChat(ctx: SandboxContext, store: ChatStore, chat: ChatRecord, userId: string | null): void {
  const thread = store.activeThread(chat);
  if (!thread) throw new ChatApiError(400, 'chat_inactive', 'Chat is inactive');
  thread.active = false;
  emitChatWebhook(ctx, store, {
    action: 'chat_deactivated',
    organizationId: chat.organization_id,
    chat,
    payload: { chat_id: chat.id, thread_id: thread.id, ...(userId ? { user_id: userId } : {}) },
  });
}

export function markSeen(ctx: SandboxContext, store: ChatStore, chat: ChatRecord, userId: string, seenUpTo: string): void {
  const previous = chat.seen_up_to[userId];
  if (!previous || previous < seenUpTo) chat.seen_up_to[userId] = seenUpTo;
  emitChatWebhook(ctx, store, {
    action: 'events_marked_as_seen',
    organizationId: chat.organization_id,
    chat,
    payload: { user_id: userId, chat_id: chat.id, seen_up_to: chat.seen_up_to[userId] },
  });
}

/** An event as the APIs return it (no internal fields, nothing undefined). */
export function publicEvent(event: ChatEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined));
}

export function publicThread(thread: ChatThread, options: { agentsView?: boolean } = {}): Record<string, unknown> {
  const events = options.agentsView ? thread.events : thread.events.filter((e) => e.visibility === 'all');
  return {
    id: thread.id,
    created_at: thread.created_at,
    active: thread.active,
    user_ids: thread.user_ids,
    events: events.map(publicEvent),
    properties: thread.properties,
    access: thread.access,
    ...(thread.previous_thread_id ? { previous_thread_id: thread.previous_thread_id } : {}),
  };
}

export function chatUsers(store: ChatStore, chat: ChatRecord): Record<string, unknown>[] {
  const customer = store.customers.get(chat.customer_id);
  const users: Record<string, unknown>[] = [
    {
      id: chat.customer_id,
      type: 'customer',
      present: true,
      ...(customer?.name ? { name: customer.name } : {}),
      ...(customer?.email ? { email: customer.email } : {}),
      session_fields: customer?.session_fields ?? [],
      ...(chat.seen_up_to[chat.customer_id] ? { events_seen_up_to: chat.seen_up_to[chat.customer_id] } : {}),
    },
  ];
  for (const id of chat.agent_ids) {
    const bot = store.bots.get(id);
    users.push({
      id,
      type: bot ? 'bot' : 'agent',
      present: true,
      ...(bot ? { name: bot.name } : {}),
      ...(chat.seen_up_to[id] ? { events_seen_up_to: chat.seen_up_to[id] } : {}),
    });
  }
  return users;
}

/** `get_chat`: the chat with one thread (the latest by default). */
export function chatWithThread(
  store: ChatStore,
  chat: ChatRecord,
  threadId: string | undefined,
  agentsView: boolean,
): Record<string, unknown> {
  const thread = threadId ? chat.threads.find((t) => t.id === threadId) : store.lastThread(chat);
  if (threadId && !thread) throw new ChatApiError(404, 'not_found', 'Thread not found');
  return {
    id: chat.id,
    ...(thread ? { thread: publicThread(thread, { agentsView }) } : {}),
    users: chatUsers(store, chat),
    access: chat.access,
    properties: chat.properties,
  };
}

/** `list_chats`: chat summaries, the chat with its last thread's latest event first. */
export function chatSummary(store: ChatStore, chat: ChatRecord, agentsView: boolean): Record<string, unknown> {
  const last = store.lastThread(chat);
  const visible = last ? (agentsView ? last.events : last.events.filter((e) => e.visibility === 'all')) : [];
  const lastEventPerType: Record<string, unknown> = {};
  for (const event of visible) {
    lastEventPerType[event.type] = { thread_id: last!.id, thread_created_at: last!.created_at, event: publicEvent(event) };
  }
  return {
    id: chat.id,
    ...(last ? { last_thread_id: last.id, last_thread_created_at: last.created_at } : {}),
    last_event_per_type: lastEventPerType,
    users: chatUsers(store, chat),
    access: chat.access,
    properties: chat.properties,
    active: Boolean(last?.active),
  };
}
