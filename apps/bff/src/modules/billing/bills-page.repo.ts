import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { charges, numbers } from '../../db/schema.ts';
import { creditedForCharge } from './billing.repo.ts';
import { afterCursor, microsOf, newestFirst, pageOf, type Cursor } from '../../lib/keyset.ts';

type Conn = Db | Tx;

/**
 * A page of the organization's charges, newest first (ties broken by charge id), with the number and what the
 * ledger credited for each. Keyset on (organization_id, created_at, id); the credited sum uses the partial index
 * on purchase entries by reference, so neither grows with the ledger.
 */
export async function billsPage(conn: Conn, organizationId: string, options: { limit: number; after?: Cursor | undefined }) {
  const rows = await conn
    .select({
      charge: charges,
      number: numbers.number,
      micros: microsOf(charges.createdAt),
      credited: creditedForCharge,
    })
    .from(charges)
    .leftJoin(numbers, eq(numbers.id, charges.numberId))
    .where(and(eq(charges.organizationId, organizationId), afterCursor(charges.createdAt, charges.id, 'text', options.after)))
    .orderBy(...newestFirst(charges.createdAt, charges.id))
    .limit(options.limit + 1);
  return pageOf(rows, options.limit);
}
