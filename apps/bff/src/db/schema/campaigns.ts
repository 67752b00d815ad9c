import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts, stampedAt, createdAt, updatedAt, uuidId, tally } from './columns.ts';
import { organizationId, numberId } from './references.ts';

// ---- campaigns (bulk sends) -----------------------------------------------------------------

/**
 * A bulk send of one approved template from one number to the recipients of a CSV. The column mapping is
 * metadata (column names); the check report holds counts and the first rejected rows (line, phone, reason).
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuidId(),
    organizationId: organizationId(),
    numberId: numberId(),
    name: text('name').notNull(),
    templateName: text('template_name').notNull(),
    language: text('language').notNull(),
    category: text('category', { enum: ['marketing', 'utility', 'authentication'] }).notNull(),
    variableCount: integer('variable_count').notNull(),
    status: text('status', { enum: ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] })
      .notNull()
      .default('draft'),
    mapping: jsonb('mapping')
      .$type<{ phoneColumn: string; variableColumns: (string | null)[]; timeZoneColumn: string | null; defaultCountry: string | null }>()
      .notNull(),
    report: jsonb('report').$type<Record<string, unknown>>().notNull(),
    quietHours: boolean('quiet_hours').notNull(),
    ratePerSecond: doublePrecision('rate_per_second'),
    sendLimit: integer('send_limit'),
    /** Conversations this campaign holds in reserve; moves only with its ledger entries, in their transaction. */
    reservedHeld: tally('reserved_held'),
    /** Counts reservations (launch, each retry) so every ledger key is unique. */
    reservationRound: tally('reservation_round'),
    pausedReason: text('paused_reason'),
    scheduledAt: ts('scheduled_at'),
    launchedAt: ts('launched_at'),
    finishedAt: ts('finished_at'),
    /** Last time a dispatcher made progress; the sweeper restarts campaigns whose heartbeat went quiet. */
    heartbeatAt: ts('heartbeat_at'),
    /** When idle dispatchers expect work again (a retry backoff or the next quiet-hours window). */
    wakeAt: ts('wake_at'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('campaigns_org').on(t.organizationId, t.createdAt), index('campaigns_status').on(t.status)],
);

/**
 * One row per valid recipient. `variables` holds the template values only until the recipient is dispatched,
 * then it is set to null in the same transaction (Part G).
 */
export const campaignRecipients = pgTable(
  'campaign_recipients',
  {
    id: uuidId(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    organizationId: text('organization_id').notNull(),
    /** File order of the valid rows, 1-based: dispatch order and "the first N". */
    seq: integer('seq').notNull(),
    line: integer('line').notNull(),
    recipient: text('recipient').notNull(),
    country: text('country'),
    /** Quiet-hours group (see quiet-hours.ts); null when quiet hours do not apply. */
    policyKey: text('policy_key'),
    variables: jsonb('variables').$type<string[]>(),
    status: text('status', { enum: ['pending', 'sending', 'confirming', 'sent', 'failed', 'skipped', 'cancelled'] })
      .notNull()
      .default('pending'),
    /** Provider or own code for failed and skipped recipients. */
    reason: text('reason'),
    /** "Retry failed" rounds; part of each message's client_ref, so a retry is a new message. */
    round: tally('round'),
    attempts: tally('attempts'),
    messageId: uuid('message_id'),
    notBefore: stampedAt('not_before'),
    claimedAt: ts('claimed_at'),
    /** Set right before the provider call, so a crash tells "never called" from "outcome unknown". */
    calledAt: ts('called_at'),
    /** The dispatcher (its lease in dispatch_rate_slots) holding this `sending` row; a dead holder's rows are taken over. */
    claimedBy: text('claimed_by'),
    dispatchedAt: ts('dispatched_at'),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('campaign_recipients_unique').on(t.campaignId, t.recipient),
    index('campaign_recipients_dispatch').on(t.campaignId, t.status, t.seq),
    index('campaign_recipients_message').on(t.messageId),
    index('campaign_recipients_seq').on(t.campaignId, t.seq),
  ],
);

/** Rows the check refused (metadata only: line, phone as written, why). Downloadable as CSV. */
export const campaignRejections = pgTable(
  'campaign_rejections',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    line: integer('line').notNull(),
    phone: text('phone').notNull(),
    kind: text('kind', { enum: ['invalid', 'duplicate', 'opted_out', 'restricted', 'missing_variables'] }).notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.line] })],
);

/**
 * Send slots shared by every BFF instance: one row per sending number and one for the Kaleyra account. Taking
 * n slots moves `next_at` forward by n intervals in one UPDATE, so instances never exceed the pace together.
 */
export const dispatchRateSlots = pgTable('dispatch_rate_slots', {
  key: text('key').primaryKey(),
  nextAt: doublePrecision('next_at').notNull(),
});

/**
 * Short leases of the campaign dispatchers, shared by every instance: `worker:<id>` says a dispatcher process is
 * alive (its `sending` recipients are its own), `lane:<campaign>:<n>` which dispatcher runs a lane. A live holder
 * renews every second; an expired lease lets any other instance take the work over at once.
 */
export const dispatchLeases = pgTable('dispatch_leases', {
  key: text('key').primaryKey(),
  holder: text('holder').notNull(),
  /** Epoch milliseconds. */
  expiresAt: doublePrecision('expires_at').notNull(),
});
