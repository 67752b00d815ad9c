import { bigint, boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts, stampedAt, createdAt, updatedAt, uuidId } from './columns.ts';
import { organizationId, organizationKey, numberId, numberKey } from './references.ts';

// ---- WhatsApp chats in LiveChat (the relay) --------------------------------------------------

/**
 * A business's LiveChat authorization for the relay: the refresh token of the code grant (sealed with AES-GCM,
 * bound to the organization), and the app's bot that posts agents-only notes (its secret sealed too). Access,
 * customer and bot tokens live in memory only.
 */
export const relayAuthorizations = pgTable('relay_authorizations', {
  organizationId: organizationKey(),
  sealedRefreshToken: text('sealed_refresh_token').notNull(),
  accountId: text('account_id').notNull(),
  botId: text('bot_id'),
  sealedBotSecret: text('sealed_bot_secret'),
  /** `reconnect_needed` once LiveChat refused the refresh token: the owner signs in again. */
  status: text('status', { enum: ['connected', 'reconnect_needed'] })
    .notNull()
    .default('connected'),
  connectedAt: stampedAt('connected_at'),
  updatedAt: updatedAt(),
});

/** Per WhatsApp number: whether its customers' messages become LiveChat chats, in which group, and the last failure. */
export const relayNumbers = pgTable('relay_numbers', {
  numberId: numberKey(),
  organizationId: organizationId(),
  enabled: boolean('enabled').notNull().default(false),
  groupId: integer('group_id'),
  lastFailureAt: ts('last_failure_at'),
  lastFailureDirection: text('last_failure_direction', { enum: ['inbound', 'outbound'] }),
  lastFailureCode: text('last_failure_code'),
  updatedAt: updatedAt(),
});

/**
 * One LiveChat customer identity (agent-token grant `entity_id`) per business number and WhatsApp customer, and the
 * one chat it has on the license. Ids only.
 */
export const relayIdentities = pgTable(
  'relay_identities',
  {
    id: uuidId(),
    organizationId: organizationId(),
    numberId: numberId(),
    customer: text('customer').notNull(),
    entityId: text('entity_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('relay_identities_number_customer').on(t.numberId, t.customer),
    uniqueIndex('relay_identities_entity').on(t.organizationId, t.entityId),
  ],
);

/** The chat of a relay identity: `active` is false once an agent archived it (the next message resumes it). */
export const relayChats = pgTable(
  'relay_chats',
  {
    chatId: text('chat_id').primaryKey(),
    organizationId: organizationId(),
    identityId: uuid('identity_id')
      .notNull()
      .references(() => relayIdentities.id, { onDelete: 'cascade' }),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('relay_chats_identity').on(t.identityId)],
);

/**
 * Inbound WhatsApp messages taken for the relay, one row per provider message id (a replayed webhook finds it):
 * `seq` is the order they arrived in, which the per-customer jobs keep. The content itself is never stored.
 */
export const relayInbound = pgTable(
  'relay_inbound',
  {
    providerMessageId: text('provider_message_id').primaryKey(),
    organizationId: organizationId(),
    numberId: uuid('number_id').notNull(),
    customer: text('customer').notNull(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    /** WhatsApp's message type (text, image, reaction, …). */
    type: text('type').notNull(),
    status: text('status', { enum: ['pending', 'posted', 'failed', 'skipped'] })
      .notNull()
      .default('pending'),
    chatId: text('chat_id'),
    eventId: text('event_id'),
    errorCode: text('error_code'),
    receivedAt: stampedAt('received_at'),
    settledAt: ts('settled_at'),
  },
  (t) => [index('relay_inbound_customer').on(t.numberId, t.customer, t.seq)],
);

/** Agents' chat events relayed to WhatsApp, one row per LiveChat event id (a replayed webhook finds it). */
export const relayOutbound = pgTable(
  'relay_outbound',
  {
    eventId: text('event_id').primaryKey(),
    organizationId: organizationId(),
    chatId: text('chat_id').notNull(),
    threadId: text('thread_id'),
    /** Our message (messages.id) once the send was recorded. */
    messageId: uuid('message_id'),
    status: text('status', { enum: ['pending', 'sent', 'refused', 'failed', 'skipped'] })
      .notNull()
      .default('pending'),
    errorCode: text('error_code'),
    createdAt: createdAt(),
    settledAt: ts('settled_at'),
  },
  (t) => [index('relay_outbound_message').on(t.messageId)],
);
