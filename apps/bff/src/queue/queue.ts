import { PgBoss, fromPglite } from 'pg-boss';
import type { Database } from '../db/client.ts';
import type { Logger } from '../lib/logger.ts';

export type Queue = PgBoss;

/**
 * pg-boss on the same database as everything else: the embedded PGlite in-process, or PostgreSQL
 * shared by every BFF instance, so background work is claimed once across instances.
 */
export async function startQueue(database: Database, log: Logger, options: { schema?: string } = {}): Promise<Queue> {
  const boss =
    database.kind === 'pglite' && database.pglite
      ? new PgBoss({ db: fromPglite(database.pglite), backend: 'pglite', schema: options.schema ?? 'pgboss' } as ConstructorParameters<typeof PgBoss>[0])
      : new PgBoss({ connectionString: database.connectionString!, schema: options.schema ?? 'pgboss', max: 4 });
  boss.on('error', (err: Error) => log.error({ err: err.message }, 'queue error'));
  await boss.start();
  return boss;
}
