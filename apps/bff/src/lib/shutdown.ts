import type { Server } from 'node:http';
import type { Database } from '../db/client.ts';
import { drainJobs, type Queue } from '../queue/queue.ts';
import type { Logger } from './logger.ts';

export interface ShutdownDeps {
  server: Server;
  /** pg-boss, in an instance that runs workers. */
  queue: Queue | null;
  /** Long-running job loops that must wind down before pg-boss waits for its handlers (campaign lanes). */
  beforeQueueStop?: () => void;
  database: Database;
  /** What /api/ready reports: turned to shutting down and queue stopped here. */
  readiness: { shuttingDown: boolean; queue: string };
  log: Logger;
  /** The whole shutdown is bounded by this; past it the process exits with status 1. */
  timeoutMs: number;
  exit?: (code: number) => void;
}

/**
 * SIGTERM: readiness turns 503 at once (a load balancer stops routing here), the listener closes (no new
 * connections), in-flight requests finish, campaign lanes settle what they sent and hand their campaign over
 * through the queue, pg-boss waits for running handlers (and fails what outlives the budget, for another
 * instance to retry), the database closes, the process exits. Never longer than `timeoutMs`.
 */
export function gracefulShutdown(deps: ShutdownDeps): (signal: string) => Promise<void> {
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  let started: Promise<void> | null = null;
  return (signal: string) => {
    if (started) return started;
    const begun = Date.now();
    const { log } = deps;
    deps.readiness.shuttingDown = true;
    log.info({ signal, timeoutMs: deps.timeoutMs }, 'shutting down');
    const force = setTimeout(() => {
      log.error({ afterMs: Date.now() - begun }, 'shutdown did not finish in time; exiting');
      log.flush();
      deps.server.closeAllConnections();
      exit(1);
    }, deps.timeoutMs);

    const httpDone = new Promise<void>((resolve) => {
      deps.server.close(() => resolve());
      // Keep-alive connections with no request in flight would hold close() open until the client leaves.
      deps.server.closeIdleConnections();
    });
    const idleSweep = setInterval(() => deps.server.closeIdleConnections(), 250);

    const queueDone = (async () => {
      if (!deps.queue) return;
      deps.beforeQueueStop?.();
      // Leave room for closing the database within the budget.
      const timeout = Math.max(1000, deps.timeoutMs - 2_000 - (Date.now() - begun));
      await deps.queue
        .stop({ graceful: true, timeout, close: true })
        .catch((err: Error) => log.warn({ err: err.message }, 'queue stop failed'));
      deps.readiness.queue = 'stopped';
      // A handler pg-boss stopped waiting for still runs and still writes: the database stays open for it (the
      // overall deadline above still bounds the wait).
      if (!(await drainJobs(deps.queue, deps.timeoutMs))) log.warn('jobs still running at shutdown');
    })();

    started = Promise.all([httpDone, queueDone])
      .then(async () => {
        clearInterval(idleSweep);
        await deps.database.close().catch(() => {});
        clearTimeout(force);
        log.info({ tookMs: Date.now() - begun }, 'shut down');
        log.flush();
        exit(0);
      })
      .catch((err: Error) => {
        log.error({ err: err.message }, 'shutdown failed');
        exit(1);
      });
    return started;
  };
}
