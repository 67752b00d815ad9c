import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { cors, parseOr400, sendProblem } from '../lib/http.ts';
import { findOrganization, type SandboxContext } from '../state.ts';
import { chatUsers, publicThread } from './chat-actions.ts';
import { chatStoreOf } from './chat-store.ts';

const FailNextInput = z.object({
  action: z.string().min(1).nullable().default(null),
  mode: z.enum(['http500', 'http503', 'http429', 'timeout']),
  count: z.number().int().min(1).max(100).default(1),
});

const ExpireInput = z.object({ entity_id: z.string().min(1).optional() });
const OrganizationInput = z.object({ organization: z.union([z.string().min(1), z.number().int()]) });

/**
 * Test and demo controls of the LiveChat chat stand-in: the chats as agents see them (the host page's chat list and
 * transcripts), recorded chat webhook deliveries, failure injection, customer token expiry.
 */
export function livechatControlRouter(ctx: SandboxContext): Router {
  const router = Router();
  const store = chatStoreOf(ctx.state);
  router.use('/sandbox/livechat', cors);

  router.get('/sandbox/livechat/chats', (req, res) => {
    const key = typeof req.query.organization === 'string' ? req.query.organization : '';
    const organization = key ? findOrganization(key) : undefined;
    if (key && !organization) return sendProblem(res, 404, 'Unknown organization', `No seeded organization ${key}.`);
    const chats = [...store.chats.values()]
      .filter((c) => !organization || c.organization_id === organization.id)
      .map((chat) => {
        const customer = store.customers.get(chat.customer_id);
        return {
          id: chat.id,
          organization_id: chat.organization_id,
          customer: { id: chat.customer_id, name: customer?.name ?? null, session_fields: customer?.session_fields ?? [] },
          users: chatUsers(store, chat),
          access: chat.access,
          properties: chat.properties,
          active: Boolean(chat.threads.at(-1)?.active),
          seen_up_to: chat.seen_up_to,
          threads: chat.threads.map((t) => publicThread(t, { agentsView: true })),
        };
      });
    const last = (c: (typeof chats)[number]) => {
      const thread = c.threads.at(-1) as { events: { created_at: string }[]; created_at: string } | undefined;
      return thread?.events.at(-1)?.created_at ?? thread?.created_at ?? '';
    };
    chats.sort((a, b) => last(b).localeCompare(last(a)));
    res.json({ chats });
  });

  router.get('/sandbox/livechat/webhooks', (_req, res) => {
    res.json({ webhooks: [...store.webhooks.values()].map(({ secret_key: _secret, ...rest }) => rest) });
  });

  router.get('/sandbox/livechat/webhook-deliveries', (req, res) => {
    const action = typeof req.query.action === 'string' ? req.query.action : undefined;
    res.json({ deliveries: store.deliveries.filter((d) => !action || d.action === action) });
  });

  router.post('/sandbox/livechat/fail-next', (req, res) => {
    const input = parseOr400(FailNextInput, req.body, res);
    if (!input) return;
    const injection = { id: randomUUID(), action: input.action, mode: input.mode, remaining: input.count };
    store.injections.push(injection);
    res.status(201).json({ injection });
  });

  router.post('/sandbox/livechat/expire-customer-tokens', (req, res) => {
    const input = parseOr400(ExpireInput, req.body, res);
    if (!input) return;
    let expired = 0;
    for (const token of store.customerTokens.values()) {
      if (input.entity_id && token.entity_id !== input.entity_id) continue;
      token.expires_at = Date.now() - 1;
      expired += 1;
    }
    res.json({ expired });
  });

  // An uninstalled app's license webhooks stop; installing enables them again.
  for (const [path, disable] of [
    ['/sandbox/livechat/disable-license-webhooks', true],
    ['/sandbox/livechat/enable-license-webhooks', false],
  ] as const) {
    router.post(path, (req, res) => {
      const input = parseOr400(OrganizationInput, req.body, res);
      if (!input) return;
      const organization = findOrganization(input.organization);
      if (!organization) return sendProblem(res, 404, 'Unknown organization', `No seeded organization ${String(input.organization)}.`);
      if (disable) store.disabledLicenses.add(organization.id);
      else store.disabledLicenses.delete(organization.id);
      res.json({ organization_id: organization.id, webhooks_enabled: !disable });
    });
  }

  return router;
}
