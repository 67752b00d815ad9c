import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';

/**
 * Raw SQL with $n placeholders on a connection or a transaction (arrays bind as one parameter): the privacy
 * code works across every table by name, which drizzle's typed builder cannot express.
 */
export async function q<T>(conn: Db | Tx, text: string, params: unknown[]): Promise<T[]> {
  const parts = text.split(/\$(\d+)/);
  const chunks = parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${sql.param(params[Number(part) - 1])}`));
  return ((await conn.execute(sql.join(chunks, sql.raw('')))) as unknown as { rows: T[] }).rows;
}
