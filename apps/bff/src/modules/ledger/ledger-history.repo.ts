import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { ledgerEntries } from '../../db/schema.ts';
import { afterCursor, microsOf, newestFirst, pageOf, type Cursor } from '../../lib/keyset.ts';

type Conn = Db | Tx;

export interface LedgerHistoryRow {
  id: string;
  delta: number;
  reason: (typeof ledgerEntries.$inferSelect)['reason'];
  reference: string | null;
  numberId: string | null;
  createdAt: Date;
  /** created_at in microseconds: the cursor's time part. */
  micros: string;
}

/**
 * One page of an organization's ledger, newest first, ties broken by id: a range scan of the
 * (organization_id, created_at, id) index, so a page costs the same at a thousand entries as at a million.
 */
export async function ledgerPage(
  conn: Conn,
  organizationId: string,
  options: { limit: number; after?: Cursor | undefined },
): Promise<{ rows: LedgerHistoryRow[]; more: boolean }> {
  const rows = await conn
    .select({
      id: ledgerEntries.id,
      delta: ledgerEntries.delta,
      reason: ledgerEntries.reason,
      reference: ledgerEntries.reference,
      numberId: ledgerEntries.numberId,
      createdAt: ledgerEntries.createdAt,
      micros: microsOf(ledgerEntries.createdAt),
    })
    .from(ledgerEntries)
    .where(
      and(eq(ledgerEntries.organizationId, organizationId), afterCursor(ledgerEntries.createdAt, ledgerEntries.id, 'uuid', options.after)),
    )
    .orderBy(...newestFirst(ledgerEntries.createdAt, ledgerEntries.id))
    .limit(options.limit + 1);
  return pageOf(rows, options.limit);
}

/** Every entry of the organization, newest first, a page at a time (for the CSV download). */
export async function* ledgerPages(conn: Conn, organizationId: string, pageSize = 5_000): AsyncGenerator<LedgerHistoryRow[]> {
  let after: readonly [string, string] | undefined;
  for (;;) {
    const page = await ledgerPage(conn, organizationId, { limit: pageSize, after });
    if (page.rows.length) yield page.rows;
    if (!page.more) return;
    const last = page.rows[page.rows.length - 1]!;
    after = [last.micros, last.id];
  }
}
