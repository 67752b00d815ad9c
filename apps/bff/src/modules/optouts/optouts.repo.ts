import { and, asc, count, eq, getTableColumns, inArray, like, notLike } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { numberOptOutSettings, optOuts } from '../../db/schema.ts';
import { afterCursor, microsOf, newestFirst, pageOf } from '../../lib/keyset.ts';

type Conn = Db | Tx;
import type { OptOutRow, OptOutSource } from '../../db/rows.ts';
export type { OptOutRow, OptOutSource };

/**
 * Opt-outs of erased numbers (L.11b) stay in force under the number's keyed hash (`erased:…`), but there is no
 * number to show: the list and its CSV leave them out.
 */
const shownNumber = notLike(optOuts.recipient, 'erased:%');

export async function isOptedOut(conn: Conn, organizationId: string, recipient: string): Promise<boolean> {
  const [row] = await conn
    .select({ r: optOuts.recipient })
    .from(optOuts)
    .where(and(eq(optOuts.organizationId, organizationId), eq(optOuts.recipient, recipient)));
  return !!row;
}

/** Which of these recipients are opted out (one query, for bulk checks). */
export async function optedOutAmong(conn: Conn, organizationId: string, recipients: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < recipients.length; i += 5_000) {
    const chunk = recipients.slice(i, i + 5_000);
    const rows = await conn
      .select({ r: optOuts.recipient })
      .from(optOuts)
      .where(and(eq(optOuts.organizationId, organizationId), inArray(optOuts.recipient, chunk)));
    for (const row of rows) out.add(row.r);
  }
  return out;
}

/** Idempotent: opting out twice keeps the first record. */
export async function optOut(
  conn: Conn,
  v: { organizationId: string; recipient: string; source: OptOutSource; reason?: string | null; createdBy?: string | null },
): Promise<boolean> {
  const rows = await conn
    .insert(optOuts)
    .values({
      organizationId: v.organizationId,
      recipient: v.recipient,
      source: v.source,
      reason: v.reason ?? null,
      createdBy: v.createdBy ?? null,
    })
    .onConflictDoNothing()
    .returning();
  return rows.length > 0;
}

export async function optIn(conn: Conn, organizationId: string, recipient: string): Promise<boolean> {
  const rows = await conn
    .delete(optOuts)
    .where(and(eq(optOuts.organizationId, organizationId), eq(optOuts.recipient, recipient)))
    .returning();
  return rows.length > 0;
}

// ---- the suppression list screens, keywords and the per-number instruction ----------

export async function findOptOut(conn: Conn, organizationId: string, recipient: string): Promise<OptOutRow | undefined> {
  const [row] = await conn
    .select()
    .from(optOuts)
    .where(and(eq(optOuts.organizationId, organizationId), eq(optOuts.recipient, recipient)));
  return row;
}

/**
 * A page of the list, newest first, ties broken by number; `digits` filters on part of the number. `after` (a
 * previous page's last row) continues by keyset on the (organization_id, created_at, recipient) index; `offset`
 * remains for older clients. `limit + 1` rows are read so the caller knows whether another page follows.
 */
export async function listOptOuts(
  conn: Conn,
  organizationId: string,
  options: {
    digits?: string | undefined;
    limit: number;
    offset: number;
    after?: readonly [micros: string, recipient: string] | undefined;
    count?: boolean;
  },
): Promise<{ rows: (OptOutRow & { micros: string })[]; total: number; more: boolean }> {
  const where = and(
    eq(optOuts.organizationId, organizationId),
    shownNumber,
    options.digits ? like(optOuts.recipient, `%${options.digits.replace(/\D/g, '')}%`) : undefined,
  );
  const [rows, counted] = await Promise.all([
    conn
      .select({ ...getTableColumns(optOuts), micros: microsOf(optOuts.createdAt) })
      .from(optOuts)
      .where(and(where, afterCursor(optOuts.createdAt, optOuts.recipient, 'text', options.after)))
      .orderBy(...newestFirst(optOuts.createdAt, optOuts.recipient))
      .limit(options.limit + 1)
      .offset(options.after ? 0 : options.offset),
    options.count === false ? Promise.resolve([]) : conn.select({ n: count() }).from(optOuts).where(where),
  ]);
  return { ...pageOf(rows, options.limit), total: Number(counted[0]?.n ?? 0) };
}

export function allOptOuts(conn: Conn, organizationId: string): Promise<OptOutRow[]> {
  return conn
    .select()
    .from(optOuts)
    .where(and(eq(optOuts.organizationId, organizationId), shownNumber))
    .orderBy(asc(optOuts.recipient));
}

/** Adds many at once (an import); existing entries are kept as they are. Returns the recipients added. */
export async function optOutMany(
  conn: Conn,
  organizationId: string,
  entries: { recipient: string; reason: string | null }[],
  source: OptOutSource,
  createdBy: string | null,
): Promise<string[]> {
  const added: string[] = [];
  for (let i = 0; i < entries.length; i += 1_000) {
    const chunk = entries.slice(i, i + 1_000);
    const rows = await conn
      .insert(optOuts)
      .values(chunk.map((e) => ({ organizationId, recipient: e.recipient, source, reason: e.reason, createdBy })))
      .onConflictDoNothing()
      .returning({ recipient: optOuts.recipient });
    for (const r of rows) added.push(r.recipient);
  }
  return added;
}

/** Removes an opt-out only if it came from one of these sources (a customer's START undoes only their own STOP). */
export async function optInFrom(conn: Conn, organizationId: string, recipient: string, sources: OptOutSource[]): Promise<boolean> {
  const rows = await conn
    .delete(optOuts)
    .where(and(eq(optOuts.organizationId, organizationId), eq(optOuts.recipient, recipient), inArray(optOuts.source, sources)))
    .returning();
  return rows.length > 0;
}

export type InstructionSettingsRow = typeof numberOptOutSettings.$inferSelect;

export async function findInstructionSettings(conn: Conn, numberId: string): Promise<InstructionSettingsRow | undefined> {
  const [row] = await conn.select().from(numberOptOutSettings).where(eq(numberOptOutSettings.numberId, numberId));
  return row;
}

export async function saveInstructionSettings(
  conn: Conn,
  v: { numberId: string; organizationId: string; appendInstruction: boolean; instruction: string; updatedBy: string | null },
): Promise<InstructionSettingsRow> {
  const [row] = await conn
    .insert(numberOptOutSettings)
    .values({ ...v, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: numberOptOutSettings.numberId,
      set: { appendInstruction: v.appendInstruction, instruction: v.instruction, updatedBy: v.updatedBy, updatedAt: new Date() },
    })
    .returning();
  if (!row) throw new Error('settings upsert failed');
  return row;
}
