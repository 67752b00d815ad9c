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
import { created, parse, respond } from '../../lib/http.ts';
import { ctx } from '../auth/auth.middleware.ts';
import { toMessageDto } from './message-dto.ts';
import type { MessagingService } from './messaging.service.ts';

export function messagingRoutes(messaging: MessagingService) {
  const r = Router();
  r.get(
    '/conversations/quote',
    respond(QuoteSchema, (req, res) => messaging.quote(ctx(res).org, parse(QuoteQuerySchema, req.query, 'query'))),
  );
  r.get(
    '/conversations/status',
    respond(ConversationStatusSchema, (req, res) =>
      messaging.status(ctx(res).org, parse(ConversationStatusQuerySchema, req.query, 'query')),
    ),
  );
  r.post(
    '/messages',
    created(SendMessageResponseSchema, (req, res) => {
      const body = parse(SendMessageRequestSchema, req.body);
      const { identity, org } = ctx(res);
      return messaging.send(identity, org, body);
    }),
  );
  r.get(
    '/messages',
    respond(MessagesResponseSchema, async (req, res) => {
      const q = parse(MessagesQuerySchema, req.query, 'query');
      const page = await messaging.history(ctx(res).org.id, { recipient: q.to, numberId: q.numberId, limit: q.limit, after: q.cursor });
      const last = page.rows[page.rows.length - 1];
      return {
        messages: page.rows.map((r) => toMessageDto(r.message, r.events, r.spent)),
        nextCursor: page.more && last ? encodeCursor([last.micros, last.message.id]) : null,
      };
    }),
  );
  return r;
}
