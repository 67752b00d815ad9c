import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts, stampedAt, createdAt, updatedAt, uuidId, tally } from './columns.ts';
import { organizationId, organizationKey } from './references.ts';

// ---- account lifecycle, terms, refunds, audit (Parts C.5, E, F, H, I, J) -------------------------

/**
 * One row per organization once anything lifecycle-related happened to it (created on demand). `installation`
 * counts installations: an uninstall ends one, a reinstall starts the next from zero (C.5).
 */
export const organizationLifecycle = pgTable('organization_lifecycle', {
  organizationId: organizationKey(),
  installation: integer('installation').notNull().default(1),
  /** When the current installation started (reinstall, or the first install we heard of). */
  installationStartedAt: stampedAt('installation_started_at'),
  /** The earliest start we know of: the LiveChat install date (application_installed) or an operator's import. */
  startedAt: ts('started_at'),
  licenseId: text('license_id'),
  /** IANA time zone of the business (H: the 14 days are counted in it). */
  timeZone: text('time_zone'),
  statusReason: text('status_reason'),
  statusChangedAt: ts('status_changed_at'),
  statusChangedBy: text('status_changed_by'),
  accessLostAt: ts('access_lost_at'),
  lossCause: text('loss_cause', { enum: ['uninstalled', 'livechat_account_closed', 'livechat_account_cancelled', 'terminated'] }),
  updatedAt: updatedAt(),
});

/** Who accepted which version of the terms, when, for which installation. Append-only. */
export const termsAcceptances = pgTable(
  'terms_acceptances',
  {
    id: uuidId(),
    organizationId: organizationId(),
    installation: integer('installation').notNull(),
    version: text('version').notNull(),
    accountId: text('account_id').notNull(),
    /** Name or e-mail as LiveChat gave it at the time, so the record reads on its own. */
    accountName: text('account_name'),
    acceptedAt: stampedAt('accepted_at'),
  },
  (t) => [uniqueIndex('terms_acceptances_once').on(t.organizationId, t.installation, t.version)],
);

/**
 * Refund requests under the 14-day money-back guarantee (H). At most one live (not refused) request per
 * business, enforced by the database: "limited to just once per Business".
 */
export const refunds = pgTable(
  'refunds',
  {
    id: uuidId(),
    organizationId: organizationId(),
    chargeId: text('charge_id').notNull(),
    numberId: uuid('number_id'),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['requested', 'approved', 'refused', 'paid'] })
      .notNull()
      .default('requested'),
    requestedBy: text('requested_by').notNull(),
    requestedAt: stampedAt('requested_at'),
    decidedBy: text('decided_by'),
    decidedAt: ts('decided_at'),
    decisionReason: text('decision_reason'),
    paidBy: text('paid_by'),
    paidAt: ts('paid_at'),
    planCancelled: boolean('plan_cancelled').notNull().default(false),
  },
  (t) => [
    uniqueIndex('refunds_once_per_business')
      .on(t.organizationId)
      .where(sql`${t.status} <> 'refused'`),
    index('refunds_status').on(t.status, t.requestedAt),
  ],
);

/**
 * Plan charges we must cancel with LiveChat because the business lost access (C.5, E) or got its refund (H).
 * Done at once when an owner's or admin's token is kept; otherwise retried by a job until it is.
 */
export const planCancellations = pgTable(
  'plan_cancellations',
  {
    chargeId: text('charge_id').primaryKey(),
    organizationId: organizationId(),
    numberId: uuid('number_id'),
    cause: text('cause').notNull(),
    status: text('status', { enum: ['pending', 'done'] })
      .notNull()
      .default('pending'),
    attempts: tally('attempts'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    doneAt: ts('done_at'),
  },
  (t) => [index('plan_cancellations_pending').on(t.status, t.organizationId)],
);

/**
 * Every money, number, permission and lifecycle event: actor, time, metadata (never tokens, never message
 * content). Append-only. `idempotency_key` (optional, unique) makes a replayed event record nothing new.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuidId(),
    organizationId: text('organization_id'),
    at: stampedAt('at'),
    actorType: text('actor_type', { enum: ['account', 'operator', 'livechat', 'system'] }).notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    index('audit_events_org_page').on(t.organizationId, t.at, t.id),
    index('audit_events_at_page').on(t.at, t.id),
    uniqueIndex('audit_events_key').on(t.idempotencyKey),
  ],
);
