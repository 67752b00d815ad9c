import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

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
    id: uuid('id').primaryKey().defaultRandom(),
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
 * Append-only. The balance is the sum of `delta` per organization; nothing else holds it.
 * `idempotency_key` is unique, so a replayed credit or debit is a no-op.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    delta: integer('delta').notNull(),
    reason: text('reason', {
      enum: [
        'purchase',
        'conversation_opened',
        'conversation_released',
        'reservation',
        'reservation_released',
        'forfeited',
        'operator_credit',
      ],
    }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    reference: text('reference'),
    numberId: uuid('number_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ledger_idempotency_key').on(t.idempotencyKey),
    // History pages walk (created_at, id) by keyset; bills sum an organization's purchases by charge.
    index('ledger_org_page').on(t.organizationId, t.createdAt, t.id),
    index('ledger_purchase_reference')
      .on(t.organizationId, t.reference)
      .where(sql`${t.reason} = 'purchase'`),
  ],
);

/** A 24-hour window per (our number, recipient, category). Opening one spends one conversation. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id),
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
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id),
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
    updatedAt: ts('updated_at').notNull().defaultNow(),
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
    id: uuid('id').primaryKey().defaultRandom(),
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
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id),
    recipient: text('recipient').notNull(),
    lastInboundAt: ts('last_inbound_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.numberId, t.recipient] })],
);

/** LiveChat Billing API charges we created, mirrored for verification, crediting and bills. */
export const charges = pgTable(
  'charges',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    kind: text('kind', { enum: ['direct', 'recurrent'] }).notNull(),
    /** Catalog item: `package:500`, `plan:standard:monthly`. */
    item: text('item').notNull(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    quantity: integer('quantity').notNull().default(1),
    months: integer('months'),
    conversations: integer('conversations'),
    numberId: uuid('number_id'),
    status: text('status').notNull(),
    nextChargeAt: ts('next_charge_at'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('charges_org_page').on(t.organizationId, t.createdAt, t.id)],
);

/**
 * Recipients who must not be messaged by this organization (F.4): STOP keywords, the Stop button,
 * owners' manual entries and imports, consent withdrawal. One row per (organization, recipient).
 */
export const optOuts = pgTable(
  'opt_outs',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    recipient: text('recipient').notNull(),
    source: text('source', { enum: ['keyword', 'button', 'manual', 'import', 'consent_withdrawn'] }).notNull(),
    reason: text('reason'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.recipient] }), index('opt_outs_page').on(t.organizationId, t.createdAt, t.recipient)],
);

/**
 * Per number (F.4): add an opt-out instruction to marketing templates. WhatsApp sends an approved
 * template's text exactly as reviewed, so the instruction goes into an approved copy of each marketing
 * template (footer = instruction) that is sent in its place; see docs/messaging.md, "Opt-out instruction".
 */
export const numberOptOutSettings = pgTable('number_opt_out_settings', {
  numberId: uuid('number_id')
    .primaryKey()
    .references(() => numbers.id),
  organizationId: text('organization_id')
    .notNull()
    .references(() => organizations.id),
  appendInstruction: boolean('append_instruction').notNull().default(false),
  instruction: text('instruction').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * The LiveChat access token the billing sync uses for one organization (docs/billing.md): the latest owner's or
 * admin's, AES-256-GCM encrypted, kept only while the organization has charges to watch and never past the
 * token's own expiry. The Billing API accepts nothing but a user's token, and webhooks carry none.
 */
export const billingCredentials = pgTable('billing_credentials', {
  organizationId: text('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  accountId: text('account_id').notNull(),
  /** `iv.tag.ciphertext`, base64url each. */
  tokenCiphertext: text('token_ciphertext').notNull(),
  expiresAt: ts('expires_at').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

// ---- campaigns (bulk sends) -----------------------------------------------------------------

/**
 * A bulk send of one approved template from one number to the recipients of a CSV. The column mapping is
 * metadata (column names); the check report holds counts and the first rejected rows (line, phone, reason).
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id),
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
    reservedHeld: integer('reserved_held').notNull().default(0),
    /** Counts reservations (launch, each retry) so every ledger key is unique. */
    reservationRound: integer('reservation_round').notNull().default(0),
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
    updatedAt: ts('updated_at').notNull().defaultNow(),
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
    id: uuid('id').primaryKey().defaultRandom(),
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
    round: integer('round').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    messageId: uuid('message_id'),
    notBefore: ts('not_before').notNull().defaultNow(),
    claimedAt: ts('claimed_at'),
    /** Set right before the provider call, so a crash tells "never called" from "outcome unknown". */
    calledAt: ts('called_at'),
    /** The dispatcher (its lease in dispatch_rate_slots) holding this `sending` row; a dead holder's rows are taken over. */
    claimedBy: text('claimed_by'),
    dispatchedAt: ts('dispatched_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
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

// ---- account lifecycle, terms, refunds, audit (Parts C.5, E, F, H, I, J) -------------------------

/**
 * One row per organization once anything lifecycle-related happened to it (created on demand). `installation`
 * counts installations: an uninstall ends one, a reinstall starts the next from zero (C.5).
 */
export const organizationLifecycle = pgTable('organization_lifecycle', {
  organizationId: text('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  installation: integer('installation').notNull().default(1),
  /** When the current installation started (reinstall, or the first install we heard of). */
  installationStartedAt: ts('installation_started_at').notNull().defaultNow(),
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
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Who accepted which version of the terms, when, for which installation. Append-only. */
export const termsAcceptances = pgTable(
  'terms_acceptances',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    installation: integer('installation').notNull(),
    version: text('version').notNull(),
    accountId: text('account_id').notNull(),
    /** Name or e-mail as LiveChat gave it at the time, so the record reads on its own. */
    accountName: text('account_name'),
    acceptedAt: ts('accepted_at').notNull().defaultNow(),
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
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    chargeId: text('charge_id').notNull(),
    numberId: uuid('number_id'),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['requested', 'approved', 'refused', 'paid'] })
      .notNull()
      .default('requested'),
    requestedBy: text('requested_by').notNull(),
    requestedAt: ts('requested_at').notNull().defaultNow(),
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
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    numberId: uuid('number_id'),
    cause: text('cause').notNull(),
    status: text('status', { enum: ['pending', 'done'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
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
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id'),
    at: ts('at').notNull().defaultNow(),
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

// ---- privacy (L.11) -------------------------------------------------------------------------

/**
 * Recipients whose processing is restricted (L.11c): nothing is sent to them, by agents or campaigns, until the
 * restriction is lifted. `recipient` is the E.164 number, or its keyed hash once the number was erased.
 */
export const recipientRestrictions = pgTable(
  'recipient_restrictions',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    recipient: text('recipient').notNull(),
    reason: text('reason').notNull(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.recipient] })],
);

// ---- the business's own rights (L.11a–b) ---------------------------------------------

/** The business's contact data, as its owner or an admin gave it (and may correct at any time). */
export const businessContacts = pgTable('business_contacts', {
  organizationId: text('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  companyName: text('company_name').notNull(),
  contactName: text('contact_name').notNull(),
  email: text('email').notNull(),
  phone: text('phone'),
  address: text('address'),
  taxId: text('tax_id'),
  updatedBy: text('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * A business's request to delete its data once it has uninstalled (one per organization; a later installation
 * may ask again). `deleted` counts the rows removed per table; what retention keeps (ledger, bills, refunds,
 * money and lifecycle audit events) is not removed.
 */
export const businessDataDeletions = pgTable('business_data_deletions', {
  organizationId: text('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  status: text('status', { enum: ['requested', 'done'] })
    .notNull()
    .default('requested'),
  requestedBy: text('requested_by').notNull(),
  requestedAt: ts('requested_at').notNull().defaultNow(),
  doneAt: ts('done_at'),
  deleted: jsonb('deleted').$type<Record<string, number>>(),
});

// ---- the ledger's running totals and the shared request budget ------------------------------

/**
 * One row per organization with ledger entries: the running totals of its entries, so the balance is read, not
 * summed. Derived from `ledger_entries` only: a statement trigger on that table (migration 0010_ledger_accounts) adds every
 * insert's deltas in the inserting statement, so the row changes in the same transaction as the entries, under
 * the organization's lock the appends already take. `remaining` = Σ delta; `reserved` = −Σ delta of
 * reservation and reservation_released entries. `pnpm ops verify-ledger` checks both against the entries.
 */
export const ledgerAccounts = pgTable('ledger_accounts', {
  organizationId: text('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  remaining: bigint('remaining', { mode: 'number' }).notNull().default(0),
  reserved: bigint('reserved', { mode: 'number' }).notNull().default(0),
});

/**
 * Per-organization API request counters shared by every instance (rate-limiter-flexible's PostgreSQL store; its
 * column names). Unlogged: a counter lost in a crash only forgives part of a minute's budget.
 */
export const apiRateLimits = pgTable('api_rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: bigint('expire', { mode: 'number' }),
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

// ---- WhatsApp chats in LiveChat (the relay) --------------------------------------------------

/**
 * A business's LiveChat authorization for the relay: the refresh token of the code grant (sealed with AES-GCM,
 * bound to the organization), and the app's bot that posts agents-only notes (its secret sealed too). Access,
 * customer and bot tokens live in memory only.
 */
export const relayAuthorizations = pgTable('relay_authorizations', {
  organizationId: text('organization_id')
    .primaryKey()
    .references(() => organizations.id),
  sealedRefreshToken: text('sealed_refresh_token').notNull(),
  accountId: text('account_id').notNull(),
  botId: text('bot_id'),
  sealedBotSecret: text('sealed_bot_secret'),
  /** `reconnect_needed` once LiveChat refused the refresh token: the owner signs in again. */
  status: text('status', { enum: ['connected', 'reconnect_needed'] })
    .notNull()
    .default('connected'),
  connectedAt: ts('connected_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Per WhatsApp number: whether its customers' messages become LiveChat chats, in which group, and the last failure. */
export const relayNumbers = pgTable('relay_numbers', {
  numberId: uuid('number_id')
    .primaryKey()
    .references(() => numbers.id),
  organizationId: text('organization_id')
    .notNull()
    .references(() => organizations.id),
  enabled: boolean('enabled').notNull().default(false),
  groupId: integer('group_id'),
  lastFailureAt: ts('last_failure_at'),
  lastFailureDirection: text('last_failure_direction', { enum: ['inbound', 'outbound'] }),
  lastFailureCode: text('last_failure_code'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * One LiveChat customer identity (agent-token grant `entity_id`) per business number and WhatsApp customer, and the
 * one chat it has on the license. Ids only.
 */
export const relayIdentities = pgTable(
  'relay_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    numberId: uuid('number_id')
      .notNull()
      .references(() => numbers.id),
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
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    identityId: uuid('identity_id')
      .notNull()
      .references(() => relayIdentities.id, { onDelete: 'cascade' }),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
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
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
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
    receivedAt: ts('received_at').notNull().defaultNow(),
    settledAt: ts('settled_at'),
  },
  (t) => [index('relay_inbound_customer').on(t.numberId, t.customer, t.seq)],
);

/** Agents' chat events relayed to WhatsApp, one row per LiveChat event id (a replayed webhook finds it). */
export const relayOutbound = pgTable(
  'relay_outbound',
  {
    eventId: text('event_id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
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
