import { z } from 'zod';
import { nextCursorField, pageLimit, TimeUuidCursorSchema } from './pagination.ts';
import { E164Schema } from './identity.ts';
import { BalanceSchema } from './ledger.ts';
import { ConversationCategorySchema } from './numbers.ts';
import { id, isoDate, namedObject } from './schema-builders.ts';

/** One-on-one sends, cost quotes and message history. */

export const QuoteQuerySchema = z.object({
  numberId: id,
  to: E164Schema,
  category: ConversationCategorySchema,
});
export type QuoteQuery = z.infer<typeof QuoteQuerySchema>;

export const QuoteSchema = namedObject('Quote', {
  /** True when this send opens a new conversation and spends one from the balance. */
  opensConversation: z.boolean(),
  cost: z.number().int().nonnegative(),
  remaining: z.number().int().nonnegative(),
  /** End of the open conversation this send rides on (or would open), ISO. */
  conversationOpenUntil: isoDate.nullable(),
  /** End of the customer-service window (24 h after the customer's last message), ISO. */
  customerWindowOpenUntil: isoDate.nullable(),
  /**
   * Category of the open conversation this send rides on, when it opens none. Free text rides on an open
   * conversation of any category (WhatsApp's 2024 rules); a template only on one of its own category.
   */
  ridesOn: ConversationCategorySchema.nullable().optional(),
});
export type Quote = z.infer<typeof QuoteSchema>;

export const MessageStatusSchema = z.enum(['queued', 'accepted', 'sent', 'delivered', 'read', 'failed', 'not_sent']);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;
export const FINAL_MESSAGE_STATUSES: readonly MessageStatus[] = ['read', 'failed', 'not_sent'];

const sendBase = {
  numberId: id,
  to: E164Schema,
  /** Client-generated idempotency key: a retried request with the same key never sends twice. */
  clientRef: z.uuid(),
  chatId: z.string().max(100).optional(),
};

export const SendTemplateRequestSchema = z.object({
  ...sendBase,
  kind: z.literal('template'),
  templateName: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  variables: z.array(z.string().max(1024)).max(20),
  /** Rich templates: the text header's value, the media header's https link, a value per button (URL suffix, quick-reply payload). */
  headerText: z.string().max(60).optional(),
  headerMediaUrl: z.string().max(2000).optional(),
  buttonValues: z.array(z.string().max(1000)).max(10).optional(),
});
export const SendTextRequestSchema = z.object({
  ...sendBase,
  kind: z.literal('text'),
  text: z.string().trim().min(1, 'Write a message').max(4096),
});
export const SendMessageRequestSchema = z
  .discriminatedUnion('kind', [SendTemplateRequestSchema, SendTextRequestSchema])
  .meta({ id: 'SendMessageRequest' });
export type SendMessageRequest = z.infer<typeof SendMessageRequestSchema>;

export const MessageSchema = namedObject('Message', {
  id: z.string(),
  numberId: z.string(),
  to: z.string(),
  kind: z.enum(['template', 'text']),
  templateName: z.string().nullable(),
  category: ConversationCategorySchema,
  status: MessageStatusSchema,
  /** Provider (Kaleyra/Meta) error code when failed. */
  errorCode: z.string().nullable(),
  /** Plain-language explanation of the failure. */
  errorMessage: z.string().nullable(),
  /** Conversations this message spent (1 when it opened one, 0 otherwise; back to 0 if released). */
  conversationsSpent: z.number().int().nonnegative(),
  timeline: z.array(z.object({ status: MessageStatusSchema, at: isoDate })),
  createdAt: isoDate,
});
export type Message = z.infer<typeof MessageSchema>;

export const SendMessageResponseSchema = namedObject('SendMessageResponse', {
  message: MessageSchema,
  openedConversation: z.boolean(),
  balance: BalanceSchema,
});
export type SendMessageResponse = z.infer<typeof SendMessageResponseSchema>;

/** A page of one recipient's messages, newest first; `cursor` continues after the previous page. */
export const MessagesQuerySchema = z.object({
  to: E164Schema,
  numberId: id.optional(),
  limit: pageLimit(50, 200),
  cursor: TimeUuidCursorSchema.optional(),
});
export type MessagesQuery = z.infer<typeof MessagesQuerySchema>;
export const MessagesResponseSchema = namedObject('Messages', { messages: z.array(MessageSchema), ...nextCursorField });
export type MessagesResponse = z.infer<typeof MessagesResponseSchema>;
