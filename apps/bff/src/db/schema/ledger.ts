import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, uuidId } from './columns.ts';
import { organizationId, organizationKey } from './references.ts';

/**
 * Append-only. The balance is the sum of `delta` per organization; nothing else holds it.
 * `idempotency_key` is unique, so a replayed credit or debit is a no-op.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: uuidId(),
    organizationId: organizationId(),
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

/**
 * One row per organization with ledger entries: the running totals of its entries, so the balance is read, not
 * summed. Derived from `ledger_entries` only: a statement trigger on that table (migration 0010_ledger_accounts) adds every
 * insert's deltas in the inserting statement, so the row changes in the same transaction as the entries, under
 * the organization's lock the appends already take. `remaining` = Σ delta; `reserved` = −Σ delta of
 * reservation and reservation_released entries. `pnpm ops verify-ledger` checks both against the entries.
 */
export const ledgerAccounts = pgTable('ledger_accounts', {
  organizationId: organizationKey(),
  remaining: bigint('remaining', { mode: 'number' }).notNull().default(0),
  reserved: bigint('reserved', { mode: 'number' }).notNull().default(0),
});
