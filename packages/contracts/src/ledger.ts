import { z } from 'zod';
import { nextCursorField, pageLimit, TimeUuidCursorSchema } from './pagination.ts';
import { isoDate, namedObject } from './schema-builders.ts';

/** The balance and the ledger's history. */

export const BalanceSchema = namedObject('Balance', {
  /** Conversations that can still be opened: sum of the ledger. */
  remaining: z.number().int().nonnegative(),
  /** Part of `remaining`'s history currently held by running campaigns (already subtracted). */
  reserved: z.number().int().nonnegative(),
  lowBalanceThreshold: z.number().int().nonnegative().nullable(),
  low: z.boolean(),
});
export type Balance = z.infer<typeof BalanceSchema>;

export const LedgerReasonSchema = z.enum([
  'purchase',
  'conversation_opened',
  'conversation_released',
  'reservation',
  'reservation_released',
  'forfeited',
  'operator_credit',
]);
export type LedgerReason = z.infer<typeof LedgerReasonSchema>;

export const LedgerEntrySchema = z.object({
  id: z.string(),
  delta: z.number().int(),
  reason: LedgerReasonSchema,
  reference: z.string().nullable(),
  numberId: z.string().nullable(),
  createdAt: isoDate,
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** A page of the ledger, newest first (ties broken by id); `cursor` continues after the previous page. */
export const LedgerQuerySchema = z.object({
  limit: pageLimit(100, 500),
  cursor: TimeUuidCursorSchema.optional(),
});
export type LedgerQuery = z.infer<typeof LedgerQuerySchema>;

export const LedgerResponseSchema = namedObject('Ledger', {
  entries: z.array(LedgerEntrySchema),
  balance: BalanceSchema,
  ...nextCursorField,
});
export type LedgerResponse = z.infer<typeof LedgerResponseSchema>;
