import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { forgetOrganization } from '../organizations/organization-cache.ts';
import { billingCredentials, charges, conversations, ledgerEntries, numbers, organizations } from '../../db/schema.ts';
import type { Catalog, CatalogPlan } from '@wa/contracts';
import { findPlan, parsePlanItem } from './catalog.ts';

import type { ChargeRow } from '../../db/rows.ts';
export type { ChargeRow };
export type CredentialRow = typeof billingCredentials.$inferSelect;
type Conn = Db | Tx;

export async function insertCharge(conn: Conn, values: typeof charges.$inferInsert): Promise<ChargeRow> {
  const [row] = await conn.insert(charges).values(values).onConflictDoNothing().returning();
  if (row) return row;
  const existing = await findCharge(conn, values.id);
  if (!existing) throw new Error('charge insert failed');
  return existing;
}

export async function findCharge(conn: Conn, id: string): Promise<ChargeRow | undefined> {
  const [row] = await conn.select().from(charges).where(eq(charges.id, id));
  return row;
}

/** Reads the charge and holds its row lock until the transaction ends: one writer per charge at a time. */
export async function lockCharge(tx: Tx, id: string): Promise<ChargeRow | undefined> {
  const [row] = await tx.select().from(charges).where(eq(charges.id, id)).for('update');
  return row;
}

export async function updateCharge(conn: Conn, id: string, values: Partial<typeof charges.$inferInsert>) {
  await conn
    .update(charges)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(charges.id, id));
}

/** What the ledger credited for the charge of the row (the bills' "credited" column). */
export const creditedForCharge = sql<string>`coalesce((
  select sum(${ledgerEntries.delta}) from ${ledgerEntries}
  where ${ledgerEntries.organizationId} = ${charges.organizationId}
    and ${ledgerEntries.reason} = 'purchase' and ${ledgerEntries.reference} = ${charges.id}
), 0)`;

/** Every charge of the organization, newest first, with its number and what the ledger credited for it. */
export async function listBills(conn: Conn, organizationId: string, chargeId?: string) {
  return conn
    .select({
      charge: charges,
      number: numbers.number,
      credited: creditedForCharge,
    })
    .from(charges)
    .leftJoin(numbers, eq(numbers.id, charges.numberId))
    .where(
      chargeId === undefined
        ? eq(charges.organizationId, organizationId)
        : and(eq(charges.organizationId, organizationId), eq(charges.id, chargeId)),
    )
    .orderBy(desc(charges.createdAt), desc(charges.id));
}

export function listCharges(conn: Conn, organizationId: string): Promise<ChargeRow[]> {
  return conn.select().from(charges).where(eq(charges.organizationId, organizationId)).orderBy(asc(charges.createdAt));
}

export function listChargeIds(conn: Conn, organizationId: string): Promise<{ id: string }[]> {
  return conn.select({ id: charges.id }).from(charges).where(eq(charges.organizationId, organizationId));
}

/** The current plan charge of each number: its most recent recurrent charge. */
export async function currentPlanCharges(conn: Conn, numberIds: string[]): Promise<Map<string, ChargeRow>> {
  if (numberIds.length === 0) return new Map();
  const rows = await conn
    .selectDistinctOn([charges.numberId])
    .from(charges)
    .where(and(eq(charges.kind, 'recurrent'), inArray(charges.numberId, numberIds)))
    .orderBy(charges.numberId, desc(charges.createdAt), desc(charges.id));
  return new Map(rows.map((r) => [r.numberId!, r]));
}

/** The catalog plan a number currently pays for (its latest recurrent charge), or undefined. */
export async function currentPlanOf(conn: Conn, catalog: Catalog, numberId: string): Promise<CatalogPlan | undefined> {
  const charge = (await currentPlanCharges(conn, [numberId])).get(numberId);
  const parsed = charge ? parsePlanItem(charge.item) : null;
  return parsed ? findPlan(catalog, parsed.planId) : undefined;
}

export async function isCurrentPlanCharge(conn: Conn, charge: Pick<ChargeRow, 'id' | 'numberId'>): Promise<boolean> {
  if (!charge.numberId) return false;
  return (await currentPlanCharges(conn, [charge.numberId])).get(charge.numberId)?.id === charge.id;
}

export async function setNumberPlanStatus(conn: Conn, numberId: string, planStatus: typeof numbers.$inferInsert.planStatus) {
  await conn.update(numbers).set({ planStatus }).where(eq(numbers.id, numberId));
}

export async function disconnectNumber(conn: Conn, numberId: string, at: Date) {
  await conn.update(numbers).set({ disconnectedAt: at, planStatus: 'cancelled' }).where(eq(numbers.id, numberId));
}

// ---- the sync's credential ------------------------------------------------------------------------------------

export async function upsertCredential(conn: Conn, values: Omit<typeof billingCredentials.$inferInsert, 'updatedAt'>) {
  await conn
    .insert(billingCredentials)
    .values({ ...values, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: billingCredentials.organizationId,
      set: { accountId: values.accountId, tokenCiphertext: values.tokenCiphertext, expiresAt: values.expiresAt, updatedAt: new Date() },
      // Only a token that lives longer replaces the kept one (the same token is not written again).
      setWhere: sql`${billingCredentials.expiresAt} < excluded.expires_at`,
    });
}

export async function findCredential(conn: Conn, organizationId: string): Promise<CredentialRow | undefined> {
  const [row] = await conn.select().from(billingCredentials).where(eq(billingCredentials.organizationId, organizationId));
  return row;
}

/** An organization's kept LiveChat token, opened; null when none, expired, or sealed by another key. */
export async function openKeptToken(
  conn: Conn,
  vault: { open(organizationId: string, sealed: string): string | null },
  organizationId: string,
  now: Date,
): Promise<{ token: string; sealed: string } | null> {
  const cred = await findCredential(conn, organizationId);
  if (!cred || cred.expiresAt <= now) return null;
  const token = vault.open(organizationId, cred.tokenCiphertext);
  return token ? { token, sealed: cred.tokenCiphertext } : null;
}

export function listCredentials(conn: Conn): Promise<CredentialRow[]> {
  return conn.select().from(billingCredentials).orderBy(asc(billingCredentials.updatedAt));
}

/** Deletes the credential; with `sealed`, only if it is still that one (a newer token may have replaced it). */
export async function deleteCredential(conn: Conn, organizationId: string, sealed?: string) {
  await conn
    .delete(billingCredentials)
    .where(
      sealed === undefined
        ? eq(billingCredentials.organizationId, organizationId)
        : and(eq(billingCredentials.organizationId, organizationId), eq(billingCredentials.tokenCiphertext, sealed)),
    );
}

export async function deleteExpiredCredentials(conn: Conn, now: Date): Promise<number> {
  const rows = await conn
    .delete(billingCredentials)
    .where(lt(billingCredentials.expiresAt, now))
    .returning({ id: billingCredentials.organizationId });
  return rows.length;
}

// ---- balance settings and usage -------------------------------------------------------------------------------

export async function setLowBalanceThreshold(conn: Conn, organizationId: string, threshold: number | null) {
  await conn.update(organizations).set({ lowBalanceThreshold: threshold }).where(eq(organizations.id, organizationId));
  forgetOrganization(organizationId);
}

/** Conversations that spent from the balance (and were not given back), per local day and number. */
export async function usageByDay(conn: Conn, organizationId: string, since: Date, timeZone: string) {
  const day = sql<string>`to_char(timezone(${timeZone}, ${conversations.openedAt}), 'YYYY-MM-DD')`;
  return (
    conn
      .select({ day, numberId: conversations.numberId, count: sql<string>`count(*)` })
      .from(conversations)
      .where(
        and(
          eq(conversations.organizationId, organizationId),
          gte(conversations.openedAt, since),
          sql`${conversations.cost} > 0`,
          eq(conversations.status, 'open'),
        ),
      )
      // By position: the day expression carries a bound parameter, so a repeated copy would not match it.
      .groupBy(sql`1`, conversations.numberId)
  );
}

export function numbersByIds(conn: Conn, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return conn.select().from(numbers).where(inArray(numbers.id, ids));
}
