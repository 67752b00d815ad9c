import { expect } from 'vitest';
import type { Db } from '../db/client.ts';
import { LedgerService } from '../modules/ledger/ledger.service.ts';

/**
 * The ledger's invariant: every organization's account row (remaining, reserved) equals the sum of its entries.
 * Checked by the same query as `pnpm ops verify-ledger`; pass an organization to check only it.
 */
export async function expectLedgerInvariant(db: Db, organizationId?: string): Promise<void> {
  const { mismatches } = await new LedgerService(db).verify(organizationId);
  expect(mismatches, 'account rows that differ from the sum of their entries').toEqual([]);
}
