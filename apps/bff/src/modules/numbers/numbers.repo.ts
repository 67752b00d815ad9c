import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { numbers, templates } from '../../db/schema.ts';
import type { ProviderTemplate } from '../../providers/kaleyra/kaleyra.port.ts';

export type NumberRow = typeof numbers.$inferSelect;
export type TemplateRow = typeof templates.$inferSelect;

export function listNumbers(db: Db, organizationId: string): Promise<NumberRow[]> {
  return db
    .select()
    .from(numbers)
    .where(and(eq(numbers.organizationId, organizationId), isNull(numbers.disconnectedAt)))
    .orderBy(asc(numbers.createdAt));
}

/** A connected number of this organization, or undefined (another tenant's id reads as absent). */
export async function findNumber(db: Db, organizationId: string, id: string): Promise<NumberRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db
    .select()
    .from(numbers)
    .where(and(eq(numbers.id, id), eq(numbers.organizationId, organizationId), isNull(numbers.disconnectedAt)));
  return row;
}

export async function findNumberByE164(db: Db, e164: string): Promise<NumberRow[]> {
  return db.select().from(numbers).where(and(eq(numbers.number, e164), isNull(numbers.disconnectedAt)));
}

export async function insertNumber(db: Db | Tx, values: typeof numbers.$inferInsert): Promise<NumberRow> {
  const [row] = await db.insert(numbers).values(values).returning();
  if (!row) throw new Error('number insert failed');
  return row;
}

export function listTemplates(db: Db, numberId: string): Promise<TemplateRow[]> {
  return db.select().from(templates).where(eq(templates.numberId, numberId)).orderBy(asc(templates.name));
}

export async function findTemplate(db: Db, numberId: string, name: string, language: string): Promise<TemplateRow | undefined> {
  const [row] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.numberId, numberId), eq(templates.name, name), eq(templates.language, language)));
  return row;
}

/** Replaces the number's templates with what the provider has now, in one transaction. */
export async function replaceTemplates(db: Db, numberId: string, list: ProviderTemplate[], at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(templates).where(eq(templates.numberId, numberId));
    if (list.length) {
      await tx
        .insert(templates)
        .values(list.map((t) => ({ ...t, numberId, syncedAt: at })))
        .onConflictDoNothing();
    }
    await tx.update(numbers).set({ templatesSyncedAt: at }).where(eq(numbers.id, numberId));
  });
}
