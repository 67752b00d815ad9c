import { and, desc, eq, sql } from 'drizzle-orm';
import type { LedgerReason } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { ledgerAccounts, ledgerEntries, organizations } from '../../db/schema.ts';

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
 * transaction takes it before it checks the balance and appends, so check-then-append is serialised per
 * organization. The account row is read
 * in a statement of its own after this one: a join here would, after waiting for the lock, still see the
 * account row as it was before the waited-for transaction committed.
 */
export async function lockOrganization(tx: Tx, organizationId: string): Promise<void> {
  // A row lock lasts until the transaction ends: a second request for it in the same transaction costs no trip.
  const held = lockedIn.get(tx);
  if (held?.has(organizationId)) return;
  const rows = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    // Not FOR UPDATE: that would also wait for (and deadlock with) transactions that merely inserted a row
    // referencing the organization (a message, a conversation), which hold the row's key-share lock.
    .for('no key update');
  if (rows.length === 0) throw new Error(`organization ${organizationId} does not exist`);
  if (held) held.add(organizationId);
  else lockedIn.set(tx, new Set([organizationId]));
}

/** Organizations each open transaction holds the lock of (a transaction object lives as long as the transaction). */
const lockedIn = new WeakMap<Tx, Set<string>>();

/** The organization's running totals, as its account row holds them (an organization without entries has none). */
export interface AccountTotals {
  /** Σ delta: conversations left to spend. */
  remaining: number;
  /** −Σ delta of reservations and their releases: conversations campaigns hold right now. */
  reserved: number;
}

/** One primary-key read: the cost does not grow with the ledger. */
export async function readAccount(conn: Conn, organizationId: string): Promise<AccountTotals> {
  const [row] = await conn
    .select({ remaining: ledgerAccounts.remaining, reserved: ledgerAccounts.reserved })
    .from(ledgerAccounts)
    .where(eq(ledgerAccounts.organizationId, organizationId));
  return { remaining: Number(row?.remaining ?? 0), reserved: Number(row?.reserved ?? 0) };
}

/** The account row with the organization's low-balance threshold, in one round trip (the balance endpoint). */
export async function readAccountWithThreshold(
  conn: Conn,
  organizationId: string,
): Promise<AccountTotals & { lowBalanceThreshold: number | null }> {
  const [row] = await conn
    .select({
      remaining: ledgerAccounts.remaining,
      reserved: ledgerAccounts.reserved,
      lowBalanceThreshold: organizations.lowBalanceThreshold,
    })
    .from(organizations)
    .leftJoin(ledgerAccounts, eq(ledgerAccounts.organizationId, organizations.id))
    .where(eq(organizations.id, organizationId));
  return {
    remaining: Number(row?.remaining ?? 0),
    reserved: Number(row?.reserved ?? 0),
    lowBalanceThreshold: row?.lowBalanceThreshold ?? null,
  };
}

const RESERVATION_REASONS = sql`('reservation', 'reservation_released')`;

/** The totals summed from the entries themselves: the truth the account row is checked against. */
export async function sumEntries(conn: Conn, organizationId: string): Promise<AccountTotals> {
  const [row] = await conn
    .select({
      remaining: sql<string>`coalesce(sum(${ledgerEntries.delta}), 0)`,
      reserved: sql<string>`coalesce(sum(case when ${ledgerEntries.reason} in ${RESERVATION_REASONS} then -${ledgerEntries.delta} else 0 end), 0)`,
    })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.organizationId, organizationId));
  return { remaining: Number(row?.remaining ?? 0), reserved: Number(row?.reserved ?? 0) };
}

export interface AccountMismatch {
  organizationId: string;
  /** What the account row says. */
  account: AccountTotals;
  /** What the entries add up to. */
  entries: AccountTotals;
}

/**
 * Every organization whose account row differs from the sum of its entries (a missing row counts as zeros), in one
 * statement: one snapshot, so appends committing meanwhile cannot show up as a false mismatch.
 */
export async function findAccountMismatches(
  conn: Conn,
  organizationId?: string,
): Promise<{ checked: number; mismatches: AccountMismatch[] }> {
  const onlyEntries = organizationId ? sql`where e.organization_id = ${organizationId}` : sql``;
  const onlyAccounts = organizationId ? sql`where a.organization_id = ${organizationId}` : sql``;
  const rows = (await conn.execute(sql`
    with sums as (
      select e.organization_id, sum(e.delta) as remaining,
             sum(case when e.reason in ${RESERVATION_REASONS} then -e.delta else 0 end) as reserved
        from ledger_entries e ${onlyEntries}
       group by e.organization_id
    ), accounts as (
      select a.organization_id, a.remaining, a.reserved from ledger_accounts a ${onlyAccounts}
    )
    select coalesce(s.organization_id, a.organization_id) as organization_id,
           coalesce(a.remaining, 0)::text as account_remaining, coalesce(a.reserved, 0)::text as account_reserved,
           coalesce(s.remaining, 0)::text as entries_remaining, coalesce(s.reserved, 0)::text as entries_reserved
      from sums s full outer join accounts a on a.organization_id = s.organization_id
     order by 1`)) as unknown as { rows: Record<string, string>[] } | Record<string, string>[];
  const list = Array.isArray(rows) ? rows : rows.rows;
  const mismatches: AccountMismatch[] = [];
  for (const r of list) {
    const account = { remaining: Number(r.account_remaining), reserved: Number(r.account_reserved) };
    const entries = { remaining: Number(r.entries_remaining), reserved: Number(r.entries_reserved) };
    if (account.remaining !== entries.remaining || account.reserved !== entries.reserved) {
      mismatches.push({ organizationId: String(r.organization_id), account, entries });
    }
  }
  return { checked: list.length, mismatches };
}

/**
 * Sets account rows to the sum of their entries (all organizations, or one). For a history loaded behind the
 * trigger's back (a bulk import); take the organizations' locks first when appends may run meanwhile.
 */
export async function rebuildAccounts(conn: Conn, organizationId?: string): Promise<void> {
  const only = organizationId ? sql`where organization_id = ${organizationId}` : sql``;
  await conn.execute(sql`
    insert into ledger_accounts as a (organization_id, remaining, reserved)
    select organization_id, sum(delta), sum(case when reason in ${RESERVATION_REASONS} then -delta else 0 end)
      from ledger_entries ${only}
     group by organization_id
    on conflict (organization_id) do update set remaining = excluded.remaining, reserved = excluded.reserved`);
}

/** The row an entry is stored as: its key scoped to its organization. */
const rowOf = (entry: NewEntry) => ({
  organizationId: entry.organizationId,
  delta: entry.delta,
  reason: entry.reason,
  idempotencyKey: scoped(entry.organizationId, entry.key),
  reference: entry.reference ?? null,
  numberId: entry.numberId ?? null,
});

/** Inserts the entries whose keys are new, in one statement. Returns how many were created. */
export async function appendMany(conn: Conn, entries: NewEntry[]): Promise<number> {
  if (!entries.length) return 0;
  const inserted = await conn
    .insert(ledgerEntries)
    .values(entries.map(rowOf))
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
    .values(rowOf(entry))
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
