import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { checkToken } from '../accounts/accounts.service.ts';
import { bearerToken, originOf, sendInlineFile, sendNotFound } from '../lib/http.ts';
import { findOrganization, type SandboxContext } from '../state.ts';
import {
  ChatApiError,
  EventInput,
  ResumeChatInput,
  StartChatInput,
  chatSummary,
  chatWithThread,
  deactivateChat,
  markSeen,
  resumeChat,
  sendChatError,
  sendEvent,
  startChat,
  type Author,
} from './chat-actions.ts';
import { chatStoreOf, SEED_GROUPS, type ChatStore, type CustomerToken } from './chat-store.ts';
import { applyInjection } from './chat-faults.ts';
import { chatRoute, dispatchedAction } from './chat-routing.ts';

/** Customer tokens from the agent-token grant live 8 hours. */
export const CUSTOMER_TOKEN_EXPIRES_IN = 28_800;
/** upload_file's limit. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export function scopesOf(scope: string): string[] {
  return scope.split(/[\s,]+/).filter(Boolean);
}

const CustomerTokenInput = z.object({
  grant_type: z.literal('agent_token'),
  client_id: z.string().min(1),
  response_type: z.literal('token'),
  entity_id: z.string().min(1).optional(),
  organization_id: z.string().optional(),
});

function customerAuth(ctx: SandboxContext, store: ChatStore, req: Request): CustomerToken {
  const raw = bearerToken(req);
  const token = raw ? store.customerTokens.get(raw) : undefined;
  if (!token) throw new ChatApiError(401, 'authentication', 'Invalid access token');
  if (token.expires_at <= Date.now()) throw new ChatApiError(401, 'authentication', 'Access token expired');
  const organizationId = typeof req.query.organization_id === 'string' ? req.query.organization_id : '';
  if (!organizationId) throw new ChatApiError(400, 'validation', 'organization_id is required');
  if (organizationId !== token.organization_id) throw new ChatApiError(403, 'authorization', 'Wrong organization');
  return token;
}

function ownChat(store: ChatStore, token: CustomerToken, id: string) {
  const chat = store.chats.get(id);
  if (!chat || chat.customer_id !== token.entity_id) throw new ChatApiError(404, 'not_found', 'Chat not found');
  return chat;
}

const SessionFields = z.array(z.record(z.string(), z.string())).max(100);

const byAction = {
  start_chat: StartChatInput,
  resume_chat: ResumeChatInput,
  send_event: z.object({ chat_id: z.string().min(1), event: EventInput, attach_to_last_thread: z.boolean().optional() }),
  deactivate_chat: z.object({ id: z.string().min(1) }),
  get_chat: z.object({ chat_id: z.string().min(1), thread_id: z.string().optional() }),
  list_chats: z.object({ limit: z.number().int().min(1).max(25).optional() }),
  update_customer: z
    .object({
      name: z.string().optional(),
      email: z.string().optional(),
      avatar: z.string().optional(),
      session_fields: SessionFields.optional(),
    })
    .refine((v) => Object.keys(v).length > 0, 'At least one optional parameter needs to be included'),
  set_customer_session_fields: z.object({ session_fields: SessionFields }),
  get_customer: z.object({}),
  update_event_properties: z.object({
    chat_id: z.string().min(1),
    thread_id: z.string().min(1),
    event_id: z.string().min(1),
    properties: z.record(z.string(), z.record(z.string(), z.unknown())),
  }),
  mark_events_as_seen: z.object({ chat_id: z.string().min(1), seen_up_to: z.iso.datetime({ offset: true }) }),
} as const;
type CustomerAction = keyof typeof byAction;

function mergeSessionFields(current: Record<string, string>[], next: Record<string, string>[]): Record<string, string>[] {
  const merged = new Map<string, string>();
  for (const field of [...current, ...next]) for (const [k, v] of Object.entries(field)) merged.set(k, v);
  if (merged.size > 100) throw new ChatApiError(400, 'validation', 'At most 100 session fields');
  return [...merged].map(([k, v]) => ({ [k]: v }));
}

function runCustomerAction(ctx: SandboxContext, store: ChatStore, token: CustomerToken, action: CustomerAction, body: unknown): unknown {
  const author: Author = { id: token.entity_id, type: 'customer', clientId: token.client_id };
  const groupExists = (id: number) => SEED_GROUPS.some((g) => g.id === id);
  const customer = store.customers.get(token.entity_id)!;
  switch (action) {
    case 'start_chat':
      return startChat(ctx, store, token.entity_id, token.organization_id, byAction.start_chat.parse(body), author, groupExists);
    case 'resume_chat': {
      const input = byAction.resume_chat.parse(body);
      return resumeChat(ctx, store, ownChat(store, token, input.chat.id), input, author);
    }
    case 'send_event': {
      const input = byAction.send_event.parse(body);
      if (input.event.visibility === 'agents' || input.event.recipients === 'agents') {
        throw new ChatApiError(400, 'validation', 'Customers cannot send agents-only events');
      }
      return sendEvent(ctx, store, ownChat(store, token, input.chat_id), input.event, author, input.attach_to_last_thread);
    }
    case 'deactivate_chat':
      deactivateChat(ctx, store, ownChat(store, token, byAction.deactivate_chat.parse(body).id), token.entity_id);
      return {};
    case 'get_chat': {
      const input = byAction.get_chat.parse(body);
      return chatWithThread(store, ownChat(store, token, input.chat_id), input.thread_id, false);
    }
    case 'list_chats': {
      byAction.list_chats.parse(body);
      const chat = store.chatOfCustomer(token.entity_id);
      return { chats_summary: chat ? [chatSummary(store, chat, false)] : [], total_chats: chat ? 1 : 0 };
    }
    case 'update_customer': {
      const input = byAction.update_customer.parse(body);
      if (input.name !== undefined) customer.name = input.name;
      if (input.email !== undefined) customer.email = input.email;
      if (input.avatar !== undefined) customer.avatar = input.avatar;
      if (input.session_fields) customer.session_fields = mergeSessionFields(customer.session_fields, input.session_fields);
      return {};
    }
    case 'set_customer_session_fields':
      customer.session_fields = mergeSessionFields(
        customer.session_fields,
        byAction.set_customer_session_fields.parse(body).session_fields,
      );
      return {};
    case 'get_customer':
      return {
        id: customer.id,
        type: 'customer',
        ...(customer.name ? { name: customer.name } : {}),
        session_fields: customer.session_fields,
        created_at: customer.created_at,
      };
    case 'update_event_properties': {
      const input = byAction.update_event_properties.parse(body);
      const chat = ownChat(store, token, input.chat_id);
      const found = store.findEvent(chat, input.event_id);
      if (!found || found.thread.id !== input.thread_id) throw new ChatApiError(404, 'not_found', 'Event not found');
      for (const [namespace, values] of Object.entries(input.properties)) {
        found.event.properties[namespace] = { ...(found.event.properties[namespace] ?? {}), ...values };
      }
      return {};
    }
    case 'mark_events_as_seen': {
      const input = byAction.mark_events_as_seen.parse(body);
      markSeen(ctx, store, ownChat(store, token, input.chat_id), token.entity_id, input.seen_up_to);
      return {};
    }
  }
}

/**
 * LiveChat's customer side for backend integrations: the agent-token grant on Accounts, the Customer Chat Web API
 * v3.6 (`/v3.6/customer/action/<action>?organization_id=`), upload_file (multipart) and the CDN its URLs point to.
 */
export function customerChatRouter(ctx: SandboxContext): Router {
  const router = Router();
  const store = chatStoreOf(ctx.state);

  router.post('/v2/customer/token', async (req, res) => {
    try {
      await applyInjection(ctx, store, 'accounts/customer_token');
      const check = checkToken(ctx, bearerToken(req));
      if (!check.ok) {
        res.status(401).json({ error: 'invalid_token', error_description: 'Invalid agent access token' });
        return;
      }
      if (!scopesOf(check.token.scope).includes('customers:own')) {
        res.status(403).json({ error: 'access_denied', error_description: 'The agent token lacks the customers:own scope' });
        return;
      }
      const parsed = CustomerTokenInput.safeParse(req.body ?? {});
      if (!parsed.success) {
        res.status(400).json({ error: 'invalid_request', error_description: parsed.error.issues[0]?.message ?? 'invalid request' });
        return;
      }
      const input = parsed.data;
      if (input.client_id !== check.token.client_id) {
        res.status(400).json({ error: 'invalid_client', error_description: 'client_id does not match the agent token' });
        return;
      }
      let customer = input.entity_id ? store.customers.get(input.entity_id) : undefined;
      if (input.entity_id && (!customer || customer.organization_id !== check.token.organization_id)) {
        res.status(400).json({ error: 'invalid_request', error_description: 'Unknown entity_id' });
        return;
      }
      customer ??= store.newCustomer(check.token.organization_id, input.client_id);
      const token = store.issueCustomerToken(customer, input.client_id, CUSTOMER_TOKEN_EXPIRES_IN);
      res.json({
        access_token: token.access_token,
        client_id: token.client_id,
        entity_id: token.entity_id,
        expires_in: CUSTOMER_TOKEN_EXPIRES_IN,
        token_type: 'Bearer',
        organization_id: token.organization_id,
      });
    } catch (error) {
      sendChatError(res, error);
    }
  });

  chatApiRoutes(router, ctx, store, 'customer', {
    actions: byAction,
    auth: (req) => customerAuth(ctx, store, req),
    organizationOf: (token) => token.organization_id,
    run: (token, action, body) => runCustomerAction(ctx, store, token, action, body),
  });

  router.get('/cdn/api/file/lc/att/:license/:id/:name', (req: Request, res: Response) => {
    const file = store.files.get(req.params.id as string);
    if (!file || (!file.used && Date.now() - file.uploaded_at > 24 * 3600_000)) {
      sendNotFound(res);
      return;
    }
    sendInlineFile(res, file.name, file.content_type, file.bytes);
  });

  return router;
}

/**
 * One side of the Chat Web API: `upload_file` (multipart, so it cannot share the JSON actions' dispatch) and the
 * JSON actions at `/v3.6/<side>/action/<action>`. A call is authenticated after any failure injected for it.
 */
export function chatApiRoutes<Caller, Action extends string>(
  router: Router,
  ctx: SandboxContext,
  store: ChatStore,
  side: 'agent' | 'customer',
  api: {
    actions: Record<Action, unknown>;
    auth: (req: Request) => Caller;
    organizationOf: (caller: Caller) => string;
    run: (caller: Caller, action: Action, body: unknown) => unknown;
  },
): void {
  router.post(
    `/v3.6/${side}/action/upload_file`,
    chatRoute(async (req) => {
      await applyInjection(ctx, store, `${side}/upload_file`);
      return acceptUpload(store, req, api.organizationOf(api.auth(req)));
    }),
  );
  router.post(
    `/v3.6/${side}/action/:action`,
    chatRoute(async (req) => {
      const action = await dispatchedAction(ctx, store, side, api.actions, req);
      return api.run(api.auth(req), action, req.body ?? {});
    }),
  );
}

/** upload_file (both APIs): stores the multipart `file` part and answers its CDN URL. */
export async function acceptUpload(store: ChatStore, req: Request, organizationId: string): Promise<{ url: string }> {
  const declared = Number(req.get('content-length') ?? 0);
  if (declared > MAX_UPLOAD_BYTES + 64 * 1024) throw new ChatApiError(413, 'entity_too_large', 'Upload limit exceeded (10MB).');
  const form = await readMultipart(req);
  const file = form.get('file');
  if (!(file instanceof Blob)) throw new ChatApiError(400, 'validation', 'file is required');
  if (file.size > MAX_UPLOAD_BYTES) throw new ChatApiError(413, 'entity_too_large', 'Upload limit exceeded (10MB).');
  const name = (file as File).name || 'file';
  if (/\.(exe|bat|cmd|com|msi|scr)$/i.test(name)) throw new ChatApiError(400, 'validation', 'Executable files are rejected');
  const id = randomBytes(16).toString('hex');
  store.files.set(id, {
    id,
    organization_id: organizationId,
    name,
    content_type: file.type || 'application/octet-stream',
    bytes: Buffer.from(await file.arrayBuffer()),
    uploaded_at: Date.now(),
    used: false,
  });
  const license = findOrganization(organizationId)?.license_id ?? 0;
  return { url: `${originOf(req)}/cdn/api/file/lc/att/${license}/${id}/${encodeURIComponent(name)}` };
}

/** Reads a multipart body with the platform's own parser (fetch's Request.formData). */
export async function readMultipart(req: Request): Promise<FormData> {
  const type = req.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) throw new ChatApiError(400, 'validation', 'Use multipart/form-data with a file part');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UPLOAD_BYTES + 64 * 1024) throw new ChatApiError(413, 'entity_too_large', 'Upload limit exceeded (10MB).');
    chunks.push(chunk);
  }
  const request = new globalThis.Request('http://sandbox.local/upload', {
    method: 'POST',
    headers: { 'content-type': type },
    body: Buffer.concat(chunks),
  });
  try {
    return await request.formData();
  } catch {
    throw new ChatApiError(400, 'validation', 'Malformed multipart body');
  }
}
