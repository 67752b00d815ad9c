import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { numbers, templates } from '../../db/schema.ts';
import type { ProviderTemplate } from '../../providers/kaleyra/kaleyra.port.ts';
import { AUDIT_ACTIONS } from '@wa/contracts';
import { actors, audit } from '../audit/audit.ts';

import type { NumberRow, TemplateRow } from '../../db/rows.ts';
export type { NumberRow, TemplateRow };

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
  return db
    .select()
    .from(numbers)
    .where(and(eq(numbers.number, e164), isNull(numbers.disconnectedAt)));
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
    // What only we know (submitted samples, when a change was first seen) survives the replacement.
    const before = new Map(
      (await tx.select().from(templates).where(eq(templates.numberId, numberId))).map((r) => [`${r.name}|${r.language}`, r]),
    );
    await tx.delete(templates).where(eq(templates.numberId, numberId));
    if (list.length) {
      await tx
        .insert(templates)
        .values(
          list.map((t) => {
            const old = before.get(`${t.name}|${t.language}`);
            const same = old && old.status === t.status && old.body === t.body && old.rejectedReason === t.rejectedReason;
            return {
              ...t,
              components: t.components ?? [],
              quality: t.quality ?? 'unknown',
              bodySamples: old?.bodySamples ?? [],
              changedAt: same ? old.changedAt : at,
              numberId,
              syncedAt: at,
            };
          }),
        )
        .onConflictDoNothing();
    }
    await tx.update(numbers).set({ templatesSyncedAt: at }).where(eq(numbers.id, numberId));
    // WhatsApp's review decisions (and later pauses) go into the audit log, once per status a template reaches.
    const changed = list.filter((t) => {
      const old = before.get(`${t.name}|${t.language}`);
      return old && old.status !== t.status;
    });
    if (changed.length) {
      const [n] = await tx
        .select({ organizationId: numbers.organizationId, wabaId: numbers.wabaId })
        .from(numbers)
        .where(eq(numbers.id, numberId));
      for (const t of changed) {
        const from = before.get(`${t.name}|${t.language}`)!.status;
        await audit.record(tx, {
          organizationId: n?.organizationId ?? null,
          actor: actors.system('template-sync'),
          action: AUDIT_ACTIONS.templateStatusChanged,
          target: { type: 'template', id: `${n?.wabaId ?? ''}:${t.name}:${t.language}` },
          metadata: { name: t.name, language: t.language, from, to: t.status, reason: t.rejectedReason },
          at,
          idempotencyKey: `template-status:${n?.wabaId ?? numberId}:${t.name}:${t.language}:${from}:${t.status}:${at.getTime()}`,
        });
      }
    }
  });
}
