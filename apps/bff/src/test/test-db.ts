import { openDatabase, type Database } from '../db/client.ts';
import { createScratchDatabase } from './scratch-database.ts';

export type DbKind = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const DB_KINDS: DbKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/**
 * A fresh, migrated database: in-memory PGlite, or a new PostgreSQL database created for this
 * test and dropped when it closes.
 */
export async function openTestDatabase(kind: DbKind, options: { poolSize?: number } = {}): Promise<Database> {
  if (kind === 'pglite') return openDatabase({});
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const scratch = await createScratchDatabase(adminUrl, 'wa_test_');
  const database = await openDatabase({ url: scratch.url, poolSize: options.poolSize ?? 20 });
  const close = database.close;
  return {
    ...database,
    async close() {
      await close();
      await scratch.drop();
    },
  };
}
