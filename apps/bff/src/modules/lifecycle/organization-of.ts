import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import { organizations } from '../../db/schema.ts';
import { errors } from '../../lib/errors.ts';

/** The business's row, read on the connection given (inside a transaction, after its lock); 404 when unknown. */
export async function organizationOf(conn: Db | Tx, organizationId: string): Promise<OrganizationRow> {
  const [row] = await conn.select().from(organizations).where(eq(organizations.id, organizationId));
  if (!row) throw errors.notFound('The business');
  return row;
}
