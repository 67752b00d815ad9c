import { index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts, createdAt, updatedAt, uuidId } from './columns.ts';
import { organizationId, numberId } from './references.ts';

/** A 24-hour window per (our number, recipient, category). Opening one spends one conversation. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuidId(),
    organizationId: organizationId(),
    numberId: numberId(),
    recipient: text('recipient').notNull(),
    category: text('category', { enum: ['marketing', 'utility', 'authentication', 'service'] }).notNull(),
    openedAt: ts('opened_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    /** Conversations this window spent from the balance (0 when its category is free by policy). */
    cost: integer('cost').notNull(),
    status: text('status', { enum: ['open', 'released'] })
      .notNull()
      .default('open'),
    openingMessageId: uuid('opening_message_id'),
  },
  (t) => [index('conversations_lookup').on(t.numberId, t.recipient, t.category, t.expiresAt)],
);

/** Message metadata only (Part G): never a body, never variable values. */
export const messages = pgTable(
  'messages',
  {
    id: uuidId(),
    organizationId: organizationId(),
    numberId: numberId(),
    conversationId: uuid('conversation_id'),
    recipient: text('recipient').notNull(),
    direction: text('direction', { enum: ['outbound', 'inbound'] })
      .notNull()
      .default('outbound'),
    kind: text('kind', { enum: ['template', 'text', 'media', 'button'] }).notNull(),
    templateName: text('template_name'),
    category: text('category', { enum: ['marketing', 'utility', 'authentication', 'service'] }).notNull(),
    status: text('status', { enum: ['queued', 'accepted', 'sent', 'delivered', 'read', 'failed', 'not_sent', 'received'] }).notNull(),
    errorCode: text('error_code'),
    providerMessageId: text('provider_message_id'),
    clientRef: text('client_ref'),
    chatId: text('chat_id'),
    accountId: text('account_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('messages_client_ref').on(t.organizationId, t.clientRef),
    index('messages_recipient_page').on(t.organizationId, t.recipient, t.createdAt, t.id),
    index('messages_provider_id').on(t.providerMessageId),
  ],
);

export const messageEvents = pgTable(
  'message_events',
  {
    id: uuidId(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id),
    status: text('status').notNull(),
    errorCode: text('error_code'),
    at: ts('at').notNull(),
  },
  (t) => [index('message_events_message').on(t.messageId, t.at)],
);

/** Customer-service windows: 24 h after the customer's last message to one of our numbers. */
export const customerWindows = pgTable(
  'customer_windows',
  {
    organizationId: organizationId(),
    numberId: numberId(),
    recipient: text('recipient').notNull(),
    lastInboundAt: ts('last_inbound_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.numberId, t.recipient] })],
);
