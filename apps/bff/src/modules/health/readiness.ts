import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder, type Database } from '../../db/client.ts';

export type QueueState = 'not_run_here' | 'starting' | 'started' | 'stopped';

/**
 * What /api/ready reports. main.ts moves the queue state as pg-boss starts and stops, and marks the shutdown,
 * so a load balancer stops sending traffic before the instance stops answering.
 */
export class Readiness {
  queue: QueueState;
  shuttingDown = false;

  constructor(runsWorkers: boolean) {
    this.queue = runsWorkers ? 'starting' : 'not_run_here';
  }
}

export interface ReadinessReport {
  ready: boolean;
  checks: {
    database: 'ok' | 'unreachable';
    migrations: 'ok' | 'pending' | 'unknown';
    queue: QueueState;
    shutdown: 'no' | 'in_progress';
  };
  /** Human-readable reasons, one per failing check. */
  notReady: string[];
}

/** The newest migration shipped with this build (drizzle's journal), read once. */
let expectedMigration: number | null | undefined;
function newestShippedMigration(): number | null {
  if (expectedMigration === undefined) {
    try {
      const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
      expectedMigration = Math.max(...journal.entries.map((e) => e.when));
    } catch {
      expectedMigration = null;
    }
  }
  return expectedMigration;
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export async function checkReadiness(database: Database, state: Readiness, timeoutMs = 2_000): Promise<ReadinessReport> {
  const notReady: string[] = [];
  let db: ReadinessReport['checks']['database'] = 'ok';
  let migrations: ReadinessReport['checks']['migrations'] = 'unknown';
  try {
    await withTimeout(database.query('select 1'), timeoutMs);
    const expected = newestShippedMigration();
    // drizzle records each applied migration with its journal timestamp (created_at).
    const rows = await withTimeout(
      database.query<{ newest: string | null }>('select max(created_at)::text as newest from drizzle.__drizzle_migrations'),
      timeoutMs,
    );
    const applied = rows[0]?.newest ? Number(rows[0].newest) : null;
    if (expected === null) migrations = 'unknown';
    else migrations = applied !== null && applied >= expected ? 'ok' : 'pending';
    if (migrations === 'pending') notReady.push('database migrations are not all applied');
    if (migrations === 'unknown') notReady.push('the migrations shipped with this build could not be read');
  } catch {
    db = 'unreachable';
    notReady.push('the database is unreachable');
  }
  if (state.queue === 'starting') notReady.push('the background workers (pg-boss) have not started yet');
  if (state.queue === 'stopped') notReady.push('the background workers (pg-boss) have stopped');
  if (state.shuttingDown) notReady.push('this instance is shutting down');
  return {
    ready: notReady.length === 0,
    checks: { database: db, migrations, queue: state.queue, shutdown: state.shuttingDown ? 'in_progress' : 'no' },
    notReady,
  };
}
