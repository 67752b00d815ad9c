import { Router } from 'express';
import {
  encodeCursor,
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
import { toMessageDto } from './message-dto.ts';
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
      const page = await messaging.history(ctx(res).org.id, { recipient: q.to, numberId: q.numberId, limit: q.limit, after: q.cursor });
      const last = page.rows[page.rows.length - 1];
      res.json(
        MessagesResponseSchema.parse({
          messages: page.rows.map((r) => toMessageDto(r.message, r.events, r.spent)),
          nextCursor: page.more && last ? encodeCursor([last.micros, last.message.id]) : null,
        }),
      );
    }),
  );
  return r;
}
