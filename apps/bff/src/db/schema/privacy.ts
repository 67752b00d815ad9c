import { jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts, stampedAt, createdAt, updatedAt } from './columns.ts';
import { organizationId, organizationKey } from './references.ts';

// ---- privacy (L.11) -------------------------------------------------------------------------

/**
 * Recipients whose processing is restricted (L.11c): nothing is sent to them, by agents or campaigns, until the
 * restriction is lifted. `recipient` is the E.164 number, or its keyed hash once the number was erased.
 */
export const recipientRestrictions = pgTable(
  'recipient_restrictions',
  {
    organizationId: organizationId(),
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
  organizationId: organizationKey(),
  companyName: text('company_name').notNull(),
  contactName: text('contact_name').notNull(),
  email: text('email').notNull(),
  phone: text('phone'),
  address: text('address'),
  taxId: text('tax_id'),
  updatedBy: text('updated_by').notNull(),
  updatedAt: updatedAt(),
});

/**
 * A business's request to delete its data once it has uninstalled (one per organization; a later installation
 * may ask again). `deleted` counts the rows removed per table; what retention keeps (ledger, bills, refunds,
 * money and lifecycle audit events) is not removed.
 */
export const businessDataDeletions = pgTable('business_data_deletions', {
  organizationId: organizationKey(),
  status: text('status', { enum: ['requested', 'done'] })
    .notNull()
    .default('requested'),
  requestedBy: text('requested_by').notNull(),
  requestedAt: stampedAt('requested_at'),
  doneAt: ts('done_at'),
  deleted: jsonb('deleted').$type<Record<string, number>>(),
});
