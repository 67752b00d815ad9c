import { Router } from 'express';
import {
  ConversationStatusQuerySchema,
  ConversationStatusSchema,
  MessagesQuerySchema,
  MessagesResponseSchema,
  QuoteQuerySchema,
  QuoteSchema,
  SendMessageRequestSchema,
  SendMessageResponseSchema,
} from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
import { ctx } from '../auth/auth.middleware.ts';
import type { MessagingService } from './messaging.service.ts';

export function messagingRoutes(messaging: MessagingService) {
  const r = Router();
  r.get(
    '/conversations/quote',
    handle(async (req, res) => {
      const q = parse(QuoteQuerySchema, req.query, 'query');
      res.json(QuoteSchema.parse(await messaging.quote(ctx(res).org, q)));
    }),
  );
  r.get(
    '/conversations/status',
    handle(async (req, res) => {
      const q = parse(ConversationStatusQuerySchema, req.query, 'query');
      res.json(ConversationStatusSchema.parse(await messaging.status(ctx(res).org, q)));
    }),
  );
  r.post(
    '/messages',
    handle(async (req, res) => {
      const body = parse(SendMessageRequestSchema, req.body);
      const { identity, org } = ctx(res);
      res.status(201).json(SendMessageResponseSchema.parse(await messaging.send(identity, org, body)));
    }),
  );
  r.get(
    '/messages',
    handle(async (req, res) => {
      const q = parse(MessagesQuerySchema, req.query, 'query');
      res.json(MessagesResponseSchema.parse({ messages: await messaging.list(ctx(res).org.id, q.to, q.numberId) }));
    }),
  );
  return r;
}
