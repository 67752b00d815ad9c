import { Router } from 'express';
import express from 'express';
import {
  OpsChatWebhooksQuerySchema,
  OpsChatWebhooksRequestSchema,
  OpsChatWebhooksResponseSchema,
  RelayAuthorizationRequestSchema,
  RelayChatParamsSchema,
  RelayChatSchema,
  RelayGroupsResponseSchema,
  RelayNumberParamsSchema,
  RelayNumberRequestSchema,
  RelayNumberSchema,
  RelayStatusSchema,
} from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
import type { Logger } from '../../lib/logger.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import { operatorAuth, type OperatorCredential } from '../ops/operator-auth.ts';
import type { RelayService } from './relay.service.ts';

/** WhatsApp chats in LiveChat: setup (owners and admins) and the sidebar's chat lookup (every member). */
export function relayRoutes(relay: RelayService) {
  const r = Router();
  r.get(
    '/relay',
    requireManager,
    handle(async (_req, res) => {
      res.json(RelayStatusSchema.parse(await relay.status(ctx(res).org.id)));
    }),
  );
  r.get(
    '/relay/groups',
    requireManager,
    handle(async (_req, res) => {
      res.json(RelayGroupsResponseSchema.parse(await relay.groups(ctx(res).org.id)));
    }),
  );
  r.post(
    '/relay/authorization',
    requireManager,
    handle(async (req, res) => {
      const body = parse(RelayAuthorizationRequestSchema, req.body);
      res.json(RelayStatusSchema.parse(await relay.connect(ctx(res).org.id, body)));
    }),
  );
  r.put(
    '/relay/numbers/:numberId',
    requireManager,
    handle(async (req, res) => {
      const { numberId } = parse(RelayNumberParamsSchema, req.params, 'params');
      const body = parse(RelayNumberRequestSchema, req.body);
      res.json(RelayNumberSchema.parse(await relay.setNumber(ctx(res).org.id, numberId, body)));
    }),
  );
  r.get(
    '/relay/chats/:chatId',
    handle(async (req, res) => {
      const { chatId } = parse(RelayChatParamsSchema, req.params, 'params');
      res.json(RelayChatSchema.parse(await relay.chat(ctx(res).org.id, chatId)));
    }),
  );
  return r;
}

/** LiveChat chat webhooks (incoming_event, chat_deactivated): answered at once, relayed in jobs. */
export function relayWebhookRoutes(relay: RelayService, log: Logger) {
  const r = Router();
  r.post(
    '/',
    handle(async (req, res) => {
      const result = await relay.onChatWebhook(req.body);
      log.info({ action: typeof req.body?.action === 'string' ? req.body.action.slice(0, 40) : '(none)', result }, 'livechat chat webhook');
      res.status(200).json({ result });
    }),
  );
  return r;
}

/** Operators: register, list and unregister the application's chat webhooks (`pnpm ops livechat-webhooks`). */
export function relayOpsRoutes(
  relay: RelayService,
  d: { credentials: readonly OperatorCredential[]; failuresPer15Min: number; log: Logger },
) {
  const r = Router();
  r.use('/livechat-webhooks', express.json({ limit: '16kb' }), ...operatorAuth(d.credentials, d.failuresPer15Min, d.log));
  r.get(
    '/livechat-webhooks',
    handle(async (req, res) => {
      const { organizationId } = parse(OpsChatWebhooksQuerySchema, req.query, 'query');
      res.json(OpsChatWebhooksResponseSchema.parse(await relay.chatWebhooks(organizationId, 'list')));
    }),
  );
  for (const action of ['register', 'unregister'] as const) {
    r.post(
      `/livechat-webhooks/${action}`,
      handle(async (req, res) => {
        const { organizationId } = parse(OpsChatWebhooksRequestSchema, req.body);
        const out = await relay.chatWebhooks(organizationId, action);
        d.log.info(
          { organizationId, action, registered: out.registered.length, removed: out.removed.length },
          'chat webhooks changed by an operator',
        );
        res.json(OpsChatWebhooksResponseSchema.parse(out));
      }),
    );
  }
  return r;
}
