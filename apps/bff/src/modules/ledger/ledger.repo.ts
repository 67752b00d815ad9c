import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { LedgerReason } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { ledgerEntries, organizations } from '../../db/schema.ts';

type Conn = Db | Tx;

export interface NewEntry {
  organizationId: string;
  delta: number;
  reason: LedgerReason;
  /** Unique across the ledger; the repo scopes it by organization. */
  key: string;
  reference?: string | null;
  numberId?: string | null;
}

export type LedgerRow = typeof ledgerEntries.$inferSelect;

const scoped = (organizationId: string, key: string) => `${organizationId}:${key}`;

/**
 * Takes the organization's row lock for the rest of the transaction. Every balance-changing
 * transaction takes it first, so check-then-append is serialised per organization.
 */
export async function lockOrganization(tx: Tx, organizationId: string): Promise<void> {
  const rows = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .for('update');
  if (rows.length === 0) throw new Error(`organization ${organizationId} does not exist`);
}

export async function sumBalance(conn: Conn, organizationId: string): Promise<number> {
  const [row] = await conn
    .select({ total: sql<string>`coalesce(sum(${ledgerEntries.delta}), 0)` })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.organizationId, organizationId));
  return Number(row?.total ?? 0);
}

/**
 * Conversations running campaigns hold right now: reservations minus what was released or converted into
 * opened conversations. Derived from the ledger alone, so it cannot drift from it.
 */
export async function sumReserved(conn: Conn, organizationId: string): Promise<number> {
  const [row] = await conn
    .select({ total: sql<string>`coalesce(sum(${ledgerEntries.delta}), 0)` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.organizationId, organizationId), inArray(ledgerEntries.reason, ['reservation', 'reservation_released'])));
  return Math.max(0, -Number(row?.total ?? 0));
}

/** Inserts the entries whose keys are new, in one statement. Returns how many were created. */
export async function appendMany(conn: Conn, entries: NewEntry[]): Promise<number> {
  if (!entries.length) return 0;
  const inserted = await conn
    .insert(ledgerEntries)
    .values(
      entries.map((entry) => ({
        organizationId: entry.organizationId,
        delta: entry.delta,
        reason: entry.reason,
        idempotencyKey: scoped(entry.organizationId, entry.key),
        reference: entry.reference ?? null,
        numberId: entry.numberId ?? null,
      })),
    )
    .onConflictDoNothing({ target: ledgerEntries.idempotencyKey })
    .returning({ id: ledgerEntries.id });
  return inserted.length;
}

export async function findByKey(conn: Conn, organizationId: string, key: string): Promise<LedgerRow | undefined> {
  const [row] = await conn
    .select()
    .from(ledgerEntries)
    .where(eq(ledgerEntries.idempotencyKey, scoped(organizationId, key)));
  return row;
}

/** Inserts unless the key exists. Returns the row and whether this call created it. */
export async function appendOnce(conn: Conn, entry: NewEntry): Promise<{ row: LedgerRow; created: boolean }> {
  const inserted = await conn
    .insert(ledgerEntries)
    .values({
      organizationId: entry.organizationId,
      delta: entry.delta,
      reason: entry.reason,
      idempotencyKey: scoped(entry.organizationId, entry.key),
      reference: entry.reference ?? null,
      numberId: entry.numberId ?? null,
    })
    .onConflictDoNothing({ target: ledgerEntries.idempotencyKey })
    .returning();
  if (inserted[0]) return { row: inserted[0], created: true };
  const existing = await findByKey(conn, entry.organizationId, entry.key);
  if (!existing) throw new Error('ledger entry vanished after a conflict');
  return { row: existing, created: false };
}

export async function listEntries(conn: Conn, organizationId: string, limit = 500): Promise<LedgerRow[]> {
  return conn
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.organizationId, organizationId)))
    .orderBy(desc(ledgerEntries.createdAt), desc(ledgerEntries.id))
    .limit(limit);
}
