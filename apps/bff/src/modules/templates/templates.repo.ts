import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { campaigns, templates } from '../../db/schema.ts';
import type { TemplateRow } from '../../db/rows.ts';

export function templatesOfNumbers(db: Db | Tx, numberIds: string[]): Promise<TemplateRow[]> {
  if (!numberIds.length) return Promise.resolve([]);
  return db.select().from(templates).where(inArray(templates.numberId, numberIds));
}

export function templatesNamed(db: Db | Tx, numberIds: string[], name: string): Promise<TemplateRow[]> {
  if (!numberIds.length) return Promise.resolve([]);
  return db
    .select()
    .from(templates)
    .where(and(inArray(templates.numberId, numberIds), eq(templates.name, name)));
}

/**
 * Serialises creations of one (WABA, name, language) until the transaction ends, on PGlite and PostgreSQL alike:
 * a double-click waits for the first submission and then finds its row.
 */
export async function lockTemplateKey(tx: Tx, wabaId: string, name: string, language: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`template:${wabaId}:${name}:${language}`}))`);
}

export async function insertTemplates(tx: Tx, rows: (typeof templates.$inferInsert)[]): Promise<void> {
  if (rows.length) await tx.insert(templates).values(rows).onConflictDoNothing();
}

export async function deleteTemplatesNamed(tx: Tx, numberIds: string[], name: string): Promise<number> {
  if (!numberIds.length) return 0;
  const gone = await tx
    .delete(templates)
    .where(and(inArray(templates.numberId, numberIds), eq(templates.name, name)))
    .returning({ n: templates.name });
  return gone.length;
}

/** Campaigns of these numbers that send this template name (any language), newest first. */
export function campaignsUsing(db: Db | Tx, organizationId: string, numberIds: string[], name: string) {
  if (!numberIds.length) return Promise.resolve([]);
  return db
    .select({ id: campaigns.id, name: campaigns.name, status: campaigns.status, language: campaigns.language })
    .from(campaigns)
    .where(and(eq(campaigns.organizationId, organizationId), inArray(campaigns.numberId, numberIds), eq(campaigns.templateName, name)));
}
