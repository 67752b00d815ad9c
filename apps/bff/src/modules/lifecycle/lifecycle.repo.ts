import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { forgetOrganization } from '../organizations/organization-cache.ts';
import { numbers, organizationLifecycle, organizations, planCancellations, termsAcceptances } from '../../db/schema.ts';

type Conn = Db | Tx;
export type LifecycleRow = typeof organizationLifecycle.$inferSelect;
export type AcceptanceRow = typeof termsAcceptances.$inferSelect;
export type PlanCancellationRow = typeof planCancellations.$inferSelect;
export type OrgStatus = (typeof organizations.$inferSelect)['status'];

/** The organization's lifecycle row, created on first need with the organization's first use as its start. */
export async function ensureLifecycle(conn: Conn, organizationId: string): Promise<LifecycleRow> {
  const [existing] = await conn.select().from(organizationLifecycle).where(eq(organizationLifecycle.organizationId, organizationId));
  if (existing) return existing;
  const [org] = await conn.select({ createdAt: organizations.createdAt }).from(organizations).where(eq(organizations.id, organizationId));
  if (!org) throw new Error(`organization ${organizationId} does not exist`);
  await conn.insert(organizationLifecycle).values({ organizationId, installationStartedAt: org.createdAt }).onConflictDoNothing();
  const [row] = await conn.select().from(organizationLifecycle).where(eq(organizationLifecycle.organizationId, organizationId));
  return row!;
}

export async function updateLifecycle(conn: Conn, organizationId: string, values: Partial<typeof organizationLifecycle.$inferInsert>) {
  await conn
    .update(organizationLifecycle)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(organizationLifecycle.organizationId, organizationId));
}

export async function setOrganizationStatus(conn: Conn, organizationId: string, status: OrgStatus) {
  await conn.update(organizations).set({ status }).where(eq(organizations.id, organizationId));
  forgetOrganization(organizationId);
}

export async function findAcceptance(
  conn: Conn,
  organizationId: string,
  installation: number,
  version: string,
): Promise<AcceptanceRow | undefined> {
  const [row] = await conn
    .select()
    .from(termsAcceptances)
    .where(
      and(
        eq(termsAcceptances.organizationId, organizationId),
        eq(termsAcceptances.installation, installation),
        eq(termsAcceptances.version, version),
      ),
    );
  return row;
}

export async function insertAcceptance(
  conn: Conn,
  values: typeof termsAcceptances.$inferInsert,
): Promise<{ row: AcceptanceRow; created: boolean }> {
  const [row] = await conn.insert(termsAcceptances).values(values).onConflictDoNothing().returning();
  if (row) return { row, created: true };
  const existing = await findAcceptance(conn, values.organizationId, values.installation, values.version);
  if (!existing) throw new Error('terms acceptance vanished after a conflict');
  return { row: existing, created: false };
}

/** Connected numbers of the organization, oldest first. */
export function connectedNumbers(conn: Conn, organizationId: string) {
  return conn
    .select()
    .from(numbers)
    .where(and(eq(numbers.organizationId, organizationId), isNull(numbers.disconnectedAt)))
    .orderBy(asc(numbers.createdAt));
}

/** Every number the organization ever added, connected or not, oldest first. */
export function allNumbers(conn: Conn, organizationId: string) {
  return conn.select().from(numbers).where(eq(numbers.organizationId, organizationId)).orderBy(asc(numbers.createdAt), asc(numbers.id));
}

export async function findAnyNumber(conn: Conn, organizationId: string, numberId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(numberId)) return undefined;
  const [row] = await conn
    .select()
    .from(numbers)
    .where(and(eq(numbers.id, numberId), eq(numbers.organizationId, organizationId)));
  return row;
}

export async function disconnectNumbers(conn: Conn, ids: string[], at: Date) {
  if (ids.length === 0) return;
  await conn
    .update(numbers)
    .set({ disconnectedAt: at })
    .where(and(inArray(numbers.id, ids), isNull(numbers.disconnectedAt)));
}

export async function setSendingRevoked(conn: Conn, numberId: string, revoked: boolean) {
  await conn.update(numbers).set({ sendingRevoked: revoked }).where(eq(numbers.id, numberId));
}

// ---- plan cancellations owed to LiveChat ------------------------------------------------------------------------

export async function owePlanCancellation(
  conn: Conn,
  values: { chargeId: string; organizationId: string; numberId: string | null; cause: string },
) {
  await conn.insert(planCancellations).values(values).onConflictDoNothing();
}

export function pendingCancellations(conn: Conn, organizationId?: string): Promise<PlanCancellationRow[]> {
  return conn
    .select()
    .from(planCancellations)
    .where(
      organizationId
        ? and(eq(planCancellations.status, 'pending'), eq(planCancellations.organizationId, organizationId))
        : eq(planCancellations.status, 'pending'),
    )
    .orderBy(asc(planCancellations.createdAt));
}

export async function markCancellation(conn: Conn, chargeId: string, values: Partial<typeof planCancellations.$inferInsert>) {
  await conn.update(planCancellations).set(values).where(eq(planCancellations.chargeId, chargeId));
}

/** A failed attempt, noted only while the cancellation is still owed: a concurrent settle may have done it. */
export async function noteCancellationAttempt(conn: Conn, chargeId: string, attempts: number, lastError: string) {
  await conn
    .update(planCancellations)
    .set({ attempts, lastError })
    .where(and(eq(planCancellations.chargeId, chargeId), eq(planCancellations.status, 'pending')));
}

export async function findCancellation(conn: Conn, chargeId: string): Promise<PlanCancellationRow | undefined> {
  const [row] = await conn.select().from(planCancellations).where(eq(planCancellations.chargeId, chargeId));
  return row;
}
