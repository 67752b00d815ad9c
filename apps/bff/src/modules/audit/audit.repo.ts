import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { auditEvents } from '../../db/schema.ts';

type Conn = Db | Tx;
export type AuditRow = typeof auditEvents.$inferSelect;
export type NewAuditRow = typeof auditEvents.$inferInsert;

/** Appends one event; with an idempotency key, a second call with the same key records nothing. */
export async function insertAudit(conn: Conn, row: NewAuditRow): Promise<AuditRow | null> {
  const q = conn.insert(auditEvents).values(row);
  const rows = row.idempotencyKey ? await q.onConflictDoNothing({ target: auditEvents.idempotencyKey }).returning() : await q.returning();
  return rows[0] ?? null;
}

export function listAudit(conn: Conn, filter: { organizationId?: string | undefined; before?: Date | undefined; limit: number }): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (filter.organizationId) where.push(eq(auditEvents.organizationId, filter.organizationId));
  if (filter.before) where.push(lt(auditEvents.at, filter.before));
  return conn
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(filter.limit);
}
