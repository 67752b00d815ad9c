import { and, desc, eq, getTableColumns, lt, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { auditEvents } from '../../db/schema.ts';
import { beforeKey, microsOf } from '../../lib/keyset.ts';

type Conn = Db | Tx;
export type AuditRow = typeof auditEvents.$inferSelect;
export type NewAuditRow = typeof auditEvents.$inferInsert;

/** Appends one event; with an idempotency key, a second call with the same key records nothing. */
export async function insertAudit(conn: Conn, row: NewAuditRow): Promise<AuditRow | null> {
  const q = conn.insert(auditEvents).values(row);
  const rows = row.idempotencyKey ? await q.onConflictDoNothing({ target: auditEvents.idempotencyKey }).returning() : await q.returning();
  return rows[0] ?? null;
}

/**
 * Newest first, ties broken by id; `after` continues after a page's last row (keyset on the (organization_id, at, id)
 * index, or (at, id) across every business).
 */
export function listAudit(
  conn: Conn,
  filter: {
    organizationId?: string | undefined;
    before?: Date | undefined;
    after?: readonly [micros: string, id: string] | undefined;
    limit: number;
  },
): Promise<(AuditRow & { micros: string })[]> {
  const where: SQL[] = [];
  if (filter.organizationId) where.push(eq(auditEvents.organizationId, filter.organizationId));
  if (filter.before) where.push(lt(auditEvents.at, filter.before));
  if (filter.after) where.push(beforeKey(auditEvents.at, auditEvents.id, filter.after[0], filter.after[1], 'uuid'));
  return conn
    .select({ ...getTableColumns(auditEvents), micros: microsOf(auditEvents.at) })
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(filter.limit);
}
