import { PgBoss, fromPglite } from 'pg-boss';
import type { Database } from '../db/client.ts';
import type { Logger } from '../lib/logger.ts';
import { jobDuration, jobWait, registerQueueDepth } from '../lib/metrics.ts';
import { currentRequestId, runWithRequestId } from '../lib/request-context.ts';

export type Queue = PgBoss;

/**
 * pg-boss on the same database as everything else: the embedded PGlite in-process, or PostgreSQL
 * shared by every BFF instance, so background work is claimed once across instances.
 */
export async function startQueue(
  database: Database,
  log: Logger,
  options: { schema?: string; superviseSeconds?: number } = {},
): Promise<Queue> {
  // Supervision and the per-queue monitor run together (a pass needs both): a dead instance's job is retried
  // within its heartbeat plus this interval, instead of pg-boss's default minute.
  const every = options.superviseSeconds ?? 10;
  const supervise = { superviseIntervalSeconds: every, monitorIntervalSeconds: every };
  const schema = options.schema ?? 'pgboss';
  const boss =
    database.kind === 'pglite' && database.pglite
      ? new PgBoss({ db: fromPglite(database.pglite), backend: 'pglite', schema, ...supervise } as ConstructorParameters<typeof PgBoss>[0])
      : new PgBoss({ connectionString: database.connectionString!, schema, max: 4, ...supervise });
  boss.on('error', (err: Error) => log.error({ err: err.message }, 'queue error'));
  instrument(boss, log);
  await boss.start();
  return boss;
}

/** Handlers running in this process, per queue instance: shutdown waits for them before closing the database. */
const running = new WeakMap<PgBoss, Set<Promise<unknown>>>();

/**
 * Waits until no job handler of this process is running, or `timeoutMs` passed (false then). pg-boss's own graceful
 * stop gives up on a handler after its timeout; the handler keeps running and still needs the database.
 */
export async function drainJobs(queue: Queue, timeoutMs: number): Promise<boolean> {
  const set = running.get(queue);
  const deadline = Date.now() + timeoutMs;
  while (set && set.size > 0) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await Promise.race([Promise.allSettled([...set]), new Promise((r) => setTimeout(r, Math.min(left, 1000)).unref())]);
  }
  return true;
}

type AnyHandler = (
  jobs: { id: string; data: unknown; createdOn?: Date; startAfter?: Date; startedOn?: Date }[],
  ...rest: unknown[]
) => Promise<unknown>;

/**
 * Every job carries the request id of the request that queued it (in its data), runs inside that id's context
 * (so its log lines carry it), and is measured: wait and run time by queue. Queue depth is read on each scrape.
 */
function instrument(boss: PgBoss, log: Logger) {
  const inFlight = new Set<Promise<unknown>>();
  running.set(boss, inFlight);
  const send = boss.send.bind(boss) as (...args: unknown[]) => Promise<string | null>;
  (boss as { send: unknown }).send = (...args: unknown[]) => {
    const requestId = currentRequestId();
    if (requestId && typeof args[0] === 'string') {
      const data = args[1];
      if (data === undefined || data === null || (typeof data === 'object' && !Array.isArray(data)))
        args[1] = { ...(data as object | null), requestId };
    }
    return send(...args);
  };
  const work = boss.work.bind(boss) as (...args: unknown[]) => Promise<string>;
  (boss as { work: unknown }).work = (name: string, ...args: unknown[]) => {
    const handler = args.find((a): a is AnyHandler => typeof a === 'function');
    if (!handler) return work(name, ...args);
    const options = typeof args[0] === 'object' && args[0] !== null ? { ...(args[0] as object) } : {};
    const wrapped: AnyHandler = async (jobs, ...rest) => {
      const started = Date.now();
      for (const j of jobs) {
        const due = Math.max(j.createdOn?.getTime() ?? started, j.startAfter?.getTime() ?? 0);
        jobWait.observe({ queue: name }, Math.max(0, (j.startedOn?.getTime() ?? started) - due) / 1000);
      }
      const requestId = jobs
        .map((j) => (j.data as { requestId?: unknown } | null)?.requestId)
        .find((id): id is string => typeof id === 'string');
      const jobLog = log.child({ queue: name, jobIds: jobs.map((j) => j.id) });
      const end = jobDuration.startTimer({ queue: name });
      const run = runWithRequestId(requestId, async () => {
        try {
          const result = await handler(jobs, ...rest);
          end({ result: 'completed' });
          return result;
        } catch (err) {
          end({ result: 'failed' });
          jobLog.warn({ err: err instanceof Error ? err.message : String(err) }, 'job failed');
          throw err;
        }
      });
      inFlight.add(run);
      void run.then(
        () => inFlight.delete(run),
        () => inFlight.delete(run),
      );
      return run;
    };
    return work(name, { ...options, includeMetadata: true }, wrapped);
  };
  const unregister = registerQueueDepth(async () =>
    (await boss.getQueues()).map((q) => ({ name: q.name, queued: q.queuedCount, active: q.activeCount })),
  );
  boss.on('stopped', unregister);
}
