import type { Balance } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { readAccountWithThreshold } from './ledger.repo.ts';

/** The balance as the widget shows it: one read of the account row, whatever the size of the ledger. */
export async function balanceOf(db: Db, organizationId: string): Promise<Balance> {
  const { remaining, reserved, lowBalanceThreshold: threshold } = await readAccountWithThreshold(db, organizationId);
  return {
    remaining,
    reserved: Math.max(0, reserved),
    lowBalanceThreshold: threshold,
    low: threshold !== null && remaining < threshold,
  };
}
