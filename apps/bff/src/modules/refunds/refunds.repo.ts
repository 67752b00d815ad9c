import { and, asc, desc, eq, ne } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { charges, numbers, refunds } from '../../db/schema.ts';

type Conn = Db | Tx;
export type RefundRow = typeof refunds.$inferSelect;

const withDetails = {
  refund: refunds,
  description: charges.name,
  number: numbers.number,
};

export function listRefunds(conn: Conn, filter: { organizationId?: string; status?: RefundRow['status'] }) {
  const where = [];
  if (filter.organizationId) where.push(eq(refunds.organizationId, filter.organizationId));
  if (filter.status) where.push(eq(refunds.status, filter.status));
  return conn
    .select(withDetails)
    .from(refunds)
    .leftJoin(charges, eq(charges.id, refunds.chargeId))
    .leftJoin(numbers, eq(numbers.id, refunds.numberId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(filter.organizationId ? desc(refunds.requestedAt) : asc(refunds.requestedAt));
}

export async function findRefundDetails(conn: Conn, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await conn
    .select(withDetails)
    .from(refunds)
    .leftJoin(charges, eq(charges.id, refunds.chargeId))
    .leftJoin(numbers, eq(numbers.id, refunds.numberId))
    .where(eq(refunds.id, id));
  return row;
}

export async function lockRefund(tx: Tx, id: string): Promise<RefundRow | undefined> {
  const [row] = await tx.select().from(refunds).where(eq(refunds.id, id)).for('update');
  return row;
}

/** The business's refund that counts against "once per business": any not refused. */
export async function liveRefund(conn: Conn, organizationId: string): Promise<RefundRow | undefined> {
  const [row] = await conn
    .select()
    .from(refunds)
    .where(and(eq(refunds.organizationId, organizationId), ne(refunds.status, 'refused')))
    .limit(1);
  return row;
}

export async function insertRefund(conn: Conn, values: typeof refunds.$inferInsert): Promise<RefundRow> {
  const [row] = await conn.insert(refunds).values(values).returning();
  if (!row) throw new Error('refund insert failed');
  return row;
}

export async function updateRefund(conn: Conn, id: string, values: Partial<typeof refunds.$inferInsert>) {
  await conn.update(refunds).set(values).where(eq(refunds.id, id));
}
