import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { organizations } from '../../db/schema.ts';

import type { OrganizationRow } from '../../db/rows.ts';
export type { OrganizationRow };

/** Creates the organization's row on first use, with its own webhook secret. */
export async function ensureOrganization(db: Db, id: string): Promise<OrganizationRow> {
  const [existing] = await db.select().from(organizations).where(eq(organizations.id, id));
  if (existing) return existing;
  await db
    .insert(organizations)
    .values({ id, webhookSecret: randomBytes(24).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id));
  if (!row) throw new Error('organization insert failed');
  return row;
}

export async function findOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id));
  return row;
}
