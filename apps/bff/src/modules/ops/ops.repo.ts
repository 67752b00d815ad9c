import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ledgerAccounts, numbers, organizationLifecycle, organizations, refunds } from '../../db/schema.ts';

/** Every business with what an operator scans for: status, balance, numbers, refunds waiting, terms. */
export function businessRows(db: Db, filter: { status?: string | undefined; organizationId?: string | undefined }) {
  const where = [];
  if (filter.status) where.push(sql`${organizations.status} = ${filter.status}`);
  if (filter.organizationId) where.push(eq(organizations.id, filter.organizationId));
  return db
    .select({
      org: organizations,
      lifecycle: organizationLifecycle,
      // The ledger's account row: O(1) per business, however long its history.
      balance: sql<string>`coalesce((select ${ledgerAccounts.remaining} from ${ledgerAccounts} where ${ledgerAccounts.organizationId} = ${organizations.id}), 0)`,
      numbers: sql<string>`(select count(*) from ${numbers} where ${numbers.organizationId} = ${organizations.id} and ${numbers.disconnectedAt} is null)`,
      pendingRefunds: sql<string>`(select count(*) from ${refunds} where ${refunds.organizationId} = ${organizations.id} and ${refunds.status} = 'requested')`,
    })
    .from(organizations)
    .leftJoin(organizationLifecycle, eq(organizationLifecycle.organizationId, organizations.id))
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(organizations.createdAt), asc(organizations.id));
}
