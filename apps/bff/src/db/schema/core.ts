import { sql } from 'drizzle-orm';
import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts, createdAt, uuidId } from './columns.ts';

/**
 * One row per LiveChat organization that has used the app. Also the row we lock to serialise
 * balance-changing transactions of one organization.
 */
export const organizations = pgTable('organizations', {
  id: text('id').primaryKey(),
  /** Authenticates Kaleyra callbacks and incoming webhooks for this organization (Basic auth password). */
  webhookSecret: text('webhook_secret').notNull(),
  status: text('status', { enum: ['active', 'suspended', 'terminated', 'uninstalled'] })
    .notNull()
    .default('active'),
  lowBalanceThreshold: integer('low_balance_threshold'),
  createdAt: createdAt(),
});

export const numbers = pgTable(
  'numbers',
  {
    id: uuidId(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    number: text('number').notNull(),
    displayName: text('display_name').notNull(),
    apiVersion: text('api_version', { enum: ['v1', 'v2'] }).notNull(),
    wabaId: text('waba_id').notNull(),
    planStatus: text('plan_status', { enum: ['pending', 'active', 'past_due', 'frozen', 'cancelled', 'declined'] })
      .notNull()
      .default('pending'),
    sendingRevoked: boolean('sending_revoked').notNull().default(false),
    templatesSyncedAt: ts('templates_synced_at'),
    createdAt: createdAt(),
    disconnectedAt: ts('disconnected_at'),
  },
  (t) => [
    uniqueIndex('numbers_connected_unique')
      .on(t.organizationId, t.number)
      .where(sql`${t.disconnectedAt} is null`),
  ],
);

/** The business's template definitions, as synced from Kaleyra. These are not messages. */
export const templates = pgTable(
  'templates',
  {
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category', { enum: ['marketing', 'utility', 'authentication'] }).notNull(),
    status: text('status', { enum: ['approved', 'pending', 'rejected', 'paused', 'disabled'] }).notNull(),
    header: text('header'),
    body: text('body').notNull(),
    footer: text('footer'),
    buttons: jsonb('buttons').$type<{ type: string; text: string }[]>().notNull().default([]),
    rejectedReason: text('rejected_reason'),
    syncedAt: ts('synced_at').notNull(),
    /** Meta's components as the provider lists them (media header format, URL and phone buttons). */
    components: jsonb('components').$type<Record<string, unknown>[]>().notNull().default([]),
    /** Meta's quality rating (high, medium, low, unknown). */
    quality: text('quality').notNull().default('unknown'),
    /** When its status or content last changed, as far as we saw (created here, or a sync noticing a change). */
    changedAt: ts('changed_at'),
    /** Sample values it was submitted with from this app (business content, kept for "edit and resubmit"). */
    bodySamples: jsonb('body_samples').$type<string[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.numberId, t.name, t.language] })],
);

/**
 * Per-organization API request counters shared by every instance (rate-limiter-flexible's PostgreSQL store; its
 * column names). Unlogged: a counter lost in a crash only forgives part of a minute's budget.
 */
export const apiRateLimits = pgTable('api_rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: bigint('expire', { mode: 'number' }),
});
