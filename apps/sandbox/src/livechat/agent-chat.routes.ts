import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { checkToken } from '../accounts/accounts.service.ts';
import { bearerToken } from '../lib/http.ts';
import type { SandboxContext } from '../state.ts';
import { ChatApiError, EventInput, chatSummary, chatWithThread, deactivateChat, markSeen, sendEvent, type Author } from './chat-actions.ts';
import { chatRoute, dispatchedAction } from './chat-routing.ts';
import { chatStoreOf, chatId, SEED_GROUPS, type ChatStore } from './chat-store.ts';
import { chatApiRoutes, scopesOf } from './customer-chat.routes.ts';

/** Bot tokens are valid 24 hours. */
export const BOT_TOKEN_EXPIRES_IN = 86_400;
/** One Client ID may register at most three webhooks per action. */
const WEBHOOKS_PER_ACTION = 3;

interface AgentCaller {
  author: Author;
  organizationId: string;
  scopes: string[];
  isBot: boolean;
}

function agentAuth(ctx: SandboxContext, store: ChatStore, req: Request): AgentCaller {
  const raw = bearerToken(req);
  if (!raw) throw new ChatApiError(401, 'authentication', 'Missing access token');
  const bot = store.botTokens.get(raw);
  if (bot) {
    if (bot.expires_at <= Date.now()) throw new ChatApiError(401, 'authentication', 'Access token expired');
    return {
      author: { id: bot.bot_id, type: 'agent', clientId: bot.client_id },
      organizationId: bot.organization_id,
      scopes: ['chats--access:rw', 'agents-bot--my:rw', 'customers:rw'],
      isBot: true,
    };
  }
  const check = checkToken(ctx, raw);
  if (!check.ok)
    throw new ChatApiError(401, 'authentication', check.reason === 'expired' ? 'Access token expired' : 'Invalid access token');
  return {
    author: { id: check.token.account_id, type: 'agent', clientId: check.token.client_id },
    organizationId: check.token.organization_id,
    scopes: scopesOf(check.token.scope),
    isBot: false,
  };
}

function requireScope(caller: AgentCaller, scope: string): void {
  if (!caller.scopes.includes(scope)) throw new ChatApiError(403, 'authorization', `The token lacks the ${scope} scope`);
}

function orgChat(store: ChatStore, caller: AgentCaller, id: string) {
  const chat = store.chats.get(id);
  if (!chat || chat.organization_id !== caller.organizationId) throw new ChatApiError(404, 'not_found', 'Chat not found');
  return chat;
}

const agentActions = {
  send_event: z.object({ chat_id: z.string().min(1), event: EventInput, attach_to_last_thread: z.boolean().optional() }),
  list_chats: z.object({ limit: z.number().int().min(1).max(100).optional() }),
  get_chat: z.object({ chat_id: z.string().min(1), thread_id: z.string().optional() }),
  deactivate_chat: z.object({ id: z.string().min(1) }),
  mark_events_as_seen: z.object({ chat_id: z.string().min(1), seen_up_to: z.iso.datetime({ offset: true }) }),
} as const;

const WebhookFilters = z
  .object({ author_type: z.enum(['customer', 'agent']).optional(), only_my_chats: z.boolean().optional() })
  .optional();

const configurationActions = {
  register_webhook: z.object({
    url: z.url({ protocol: /^https?$/ }).max(500),
    action: z.string().min(1),
    secret_key: z.string().min(1),
    owner_client_id: z.string().min(1),
    type: z.enum(['license', 'bot']),
    description: z.string().optional(),
    filters: WebhookFilters,
    additional_data: z.array(z.enum(['chat_properties', 'chat_presence_user_ids'])).optional(),
  }),
  list_webhooks: z.object({ owner_client_id: z.string().min(1) }),
  unregister_webhook: z.object({ id: z.string().min(1), owner_client_id: z.string().min(1) }),
  list_groups: z.object({ fields: z.array(z.string()).optional() }),
  create_bot: z.object({
    name: z.string().min(1),
    avatar: z.string().optional(),
    job_title: z.string().optional(),
    owner_client_id: z.string().optional(),
    groups: z.array(z.object({ id: z.number().int(), priority: z.string() })).optional(),
  }),
  list_bots: z.object({ all: z.boolean().optional() }),
  issue_bot_token: z.object({
    bot_id: z.string().min(1),
    client_id: z.string().min(1),
    bot_secret: z.string().min(1),
    organization_id: z.string().min(1),
  }),
} as const;

function runAgentAction(
  ctx: SandboxContext,
  store: ChatStore,
  caller: AgentCaller,
  action: keyof typeof agentActions,
  body: unknown,
): unknown {
  switch (action) {
    case 'send_event': {
      const input = agentActions.send_event.parse(body);
      return sendEvent(ctx, store, orgChat(store, caller, input.chat_id), input.event, caller.author, input.attach_to_last_thread);
    }
    case 'list_chats': {
      const input = agentActions.list_chats.parse(body);
      const chats = [...store.chats.values()].filter((c) => c.organization_id === caller.organizationId);
      const latest = (c: (typeof chats)[number]) => c.threads.at(-1)?.events.at(-1)?.created_at ?? c.threads.at(-1)?.created_at ?? '';
      chats.sort((a, b) => latest(b).localeCompare(latest(a)));
      const page = chats.slice(0, input.limit ?? 10);
      return { chats_summary: page.map((c) => chatSummary(store, c, true)), found_chats: chats.length };
    }
    case 'get_chat': {
      const input = agentActions.get_chat.parse(body);
      return chatWithThread(store, orgChat(store, caller, input.chat_id), input.thread_id, true);
    }
    case 'deactivate_chat':
      deactivateChat(ctx, store, orgChat(store, caller, agentActions.deactivate_chat.parse(body).id), caller.author.id);
      return {};
    case 'mark_events_as_seen': {
      const input = agentActions.mark_events_as_seen.parse(body);
      markSeen(ctx, store, orgChat(store, caller, input.chat_id), caller.author.id, input.seen_up_to);
      return {};
    }
  }
}

function runConfigurationAction(
  store: ChatStore,
  caller: AgentCaller,
  action: Exclude<keyof typeof configurationActions, 'issue_bot_token'>,
  body: unknown,
): unknown {
  switch (action) {
    case 'register_webhook': {
      requireScope(caller, 'webhooks.configuration:rw');
      const input = configurationActions.register_webhook.parse(body);
      if (input.owner_client_id !== caller.author.clientId)
        throw new ChatApiError(403, 'authorization', 'owner_client_id is not owned by you');
      const same = [...store.webhooks.values()].filter((w) => w.owner_client_id === input.owner_client_id && w.action === input.action);
      if (same.length >= WEBHOOKS_PER_ACTION) throw new ChatApiError(400, 'limit_reached', 'Limit reached');
      const id = randomBytes(13).toString('hex');
      store.webhooks.set(id, { id, ...input });
      return { id };
    }
    case 'list_webhooks': {
      requireScope(caller, 'webhooks.configuration:rw');
      const input = configurationActions.list_webhooks.parse(body);
      if (input.owner_client_id !== caller.author.clientId)
        throw new ChatApiError(403, 'authorization', 'owner_client_id is not owned by you');
      return [...store.webhooks.values()]
        .filter((w) => w.owner_client_id === input.owner_client_id)
        .map(({ secret_key: _secret, ...rest }) => rest);
    }
    case 'unregister_webhook': {
      requireScope(caller, 'webhooks.configuration:rw');
      const input = configurationActions.unregister_webhook.parse(body);
      const webhook = store.webhooks.get(input.id);
      if (!webhook || webhook.owner_client_id !== input.owner_client_id || input.owner_client_id !== caller.author.clientId) {
        throw new ChatApiError(404, 'not_found', 'Webhook not found');
      }
      store.webhooks.delete(input.id);
      return {};
    }
    case 'list_groups':
      requireScope(caller, 'groups--all:ro');
      configurationActions.list_groups.parse(body);
      return SEED_GROUPS.map((g) => ({ ...g }));
    case 'create_bot': {
      requireScope(caller, 'agents-bot--my:rw');
      const input = configurationActions.create_bot.parse(body);
      const id = `${chatId().toLowerCase()}${randomBytes(11).toString('hex')}`;
      const secret = randomBytes(16).toString('hex');
      store.bots.set(id, {
        id,
        secret,
        name: input.name,
        organization_id: caller.organizationId,
        owner_client_id: input.owner_client_id ?? caller.author.clientId,
        created_at: new Date().toISOString(),
      });
      return { id, secret };
    }
    case 'list_bots': {
      requireScope(caller, 'agents-bot--my:rw');
      configurationActions.list_bots.parse(body);
      return [...store.bots.values()]
        .filter((b) => b.organization_id === caller.organizationId)
        .map((b) => ({ id: b.id, name: b.name, owner_client_id: b.owner_client_id }));
    }
  }
}

/**
 * The agent side: Agent Chat Web API v3.6 (`/v3.6/agent/action/<action>`, agent or bot tokens) and the
 * Configuration API's webhook, group and bot methods (`/v3.6/configuration/action/<action>`).
 */
export function agentChatRouter(ctx: SandboxContext): Router {
  const router = Router();
  const store = chatStoreOf(ctx.state);

  chatApiRoutes(router, ctx, store, 'agent', {
    actions: agentActions,
    auth: (req) => agentAuth(ctx, store, req),
    organizationOf: (caller) => caller.organizationId,
    run: (caller, action, body) => runAgentAction(ctx, store, caller, action, body),
  });

  router.post(
    '/v3.6/configuration/action/:action',
    chatRoute(async (req) => {
      const action = await dispatchedAction(ctx, store, 'configuration', configurationActions, req);
      if (action === 'issue_bot_token') {
        // Needs no token: the bot's secret is the credential.
        const input = configurationActions.issue_bot_token.parse(req.body ?? {});
        const bot = store.bots.get(input.bot_id);
        if (!bot || bot.secret !== input.bot_secret || bot.organization_id !== input.organization_id) {
          throw new ChatApiError(401, 'authentication', 'Invalid bot credentials');
        }
        const token = `dal:b_${randomBytes(24).toString('base64url')}`;
        store.botTokens.set(token, {
          token,
          bot_id: bot.id,
          organization_id: bot.organization_id,
          client_id: input.client_id,
          expires_at: Date.now() + BOT_TOKEN_EXPIRES_IN * 1000,
        });
        return { token };
      }
      const caller = agentAuth(ctx, store, req);
      if (caller.isBot) throw new ChatApiError(403, 'authorization', 'Bots cannot call the Configuration API');
      return runConfigurationAction(store, caller, action, req.body ?? {});
    }),
  );

  return router;
}
