import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts, createdAt, updatedAt } from './columns.ts';
import { organizationId, organizationKey } from './references.ts';

/** LiveChat Billing API charges we created, mirrored for verification, crediting and bills. */
export const charges = pgTable(
  'charges',
  {
    id: text('id').primaryKey(),
    organizationId: organizationId(),
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
    updatedAt: updatedAt(),
  },
  (t) => [index('charges_org_page').on(t.organizationId, t.createdAt, t.id)],
);

/**
 * The LiveChat access token the billing sync uses for one organization (docs/billing.md): the latest owner's or
 * admin's, AES-256-GCM encrypted, kept only while the organization has charges to watch and never past the
 * token's own expiry. The Billing API accepts nothing but a user's token, and webhooks carry none.
 */
export const billingCredentials = pgTable('billing_credentials', {
  organizationId: organizationKey(),
  accountId: text('account_id').notNull(),
  /** `iv.tag.ciphertext`, base64url each. */
  tokenCiphertext: text('token_ciphertext').notNull(),
  expiresAt: ts('expires_at').notNull(),
  updatedAt: updatedAt(),
});
