import { boolean, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';
import { organizationId, numberKey } from './references.ts';

/**
 * Recipients who must not be messaged by this organization (F.4): STOP keywords, the Stop button,
 * owners' manual entries and imports, consent withdrawal. One row per (organization, recipient).
 */
export const optOuts = pgTable(
  'opt_outs',
  {
    organizationId: organizationId(),
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
  numberId: numberKey(),
  organizationId: organizationId(),
  appendInstruction: boolean('append_instruction').notNull().default(false),
  instruction: text('instruction').notNull(),
  updatedBy: text('updated_by'),
  updatedAt: updatedAt(),
});
