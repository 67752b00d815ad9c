import type { Balance } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { findOrganization } from '../organizations/organizations.repo.ts';
import { sumBalance, sumReserved } from './ledger.repo.ts';

export async function balanceOf(db: Db, organizationId: string): Promise<Balance> {
  const [remaining, org, reserved] = await Promise.all([
    sumBalance(db, organizationId),
    findOrganization(db, organizationId),
    sumReserved(db, organizationId),
  ]);
  const threshold = org?.lowBalanceThreshold ?? null;
  return {
    remaining,
    reserved,
    lowBalanceThreshold: threshold,
    low: threshold !== null && remaining < threshold,
  };
}
