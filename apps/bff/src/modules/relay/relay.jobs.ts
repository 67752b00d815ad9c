import type { Logger } from '../../lib/logger.ts';
import type { Queue } from '../../queue/queue.ts';
import { measureRelay } from './relay-latency.ts';
import { HEARTBEAT_REFRESH_SECONDS, RELAY_JOBS } from './relay-queue.ts';
import type { RelayService } from './relay.service.ts';

interface RelayJob {
  id: string;
  data: unknown;
  retryCount?: number;
}

/**
 * Workers per queue in each instance: jobs of different customers run side by side (one customer's stay in order,
 * the queue policy sees to that), so one slow LiveChat answer does not hold back everyone else's messages.
 */
const WORKERS_PER_QUEUE = 4;

/** The idle poll: the backstop for jobs queued by other instances, retries, and jobs of an instance that died. */
const POLLING_SECONDS = 0.5;

/** How often replies that failed after they were recorded as sent (an interrupted send) get their note. */
const FAILED_REPLIES_CRON = '* * * * *';

/**
 * The relay's two queues. `key_strict_fifo` on the customer's key: one customer's messages reach the chat (and an
 * agent's replies reach WhatsApp) in order, across instances and retries; other customers are not held back.
 *
 * The instance that takes a webhook starts its job at once: right after the job is stored, one of its idle local
 * workers is woken to fetch (`startNow`), instead of waiting for the poll. The job still goes through pg-boss (stored
 * in the transaction of the webhook's claim, fetched under the queue's policy, completed or retried there), so it
 * runs once at a time, in its customer's order, and comes back after a crash; the poll remains for what no instance
 * started.
 */
export async function registerRelayJobs(queue: Queue, relay: RelayService, log: Logger) {
  for (const [name, direction, run] of [
    [RELAY_JOBS.inbound, 'inbound', (data: never, attempt: number) => relay.relayInbound(data, attempt)],
    [RELAY_JOBS.outbound, 'outbound', (data: never, attempt: number) => relay.relayOutbound(data, attempt)],
  ] as const) {
    // A job of an instance that died comes back once its heartbeat stops (its retry finds what it already did); one
    // that hangs in a live instance, after two minutes. A done job's sealed payload is dropped after an hour.
    await queue.createQueue(name, { policy: 'key_strict_fifo', expireInSeconds: 120, deleteAfterSeconds: 3600 });
    await queue.work(
      name,
      {
        batchSize: 1,
        pollingIntervalSeconds: POLLING_SECONDS,
        localConcurrency: WORKERS_PER_QUEUE,
        heartbeatRefreshSeconds: HEARTBEAT_REFRESH_SECONDS,
      },
      async (jobs: RelayJob[]) => {
        try {
          for (const job of jobs) {
            const attempt = job.retryCount ?? 0;
            const receivedAt = (job.data as { receivedAt?: unknown } | null)?.receivedAt;
            await measureRelay(direction, typeof receivedAt === 'number' ? receivedAt : undefined, attempt, log, () =>
              run(job.data as never, attempt),
            );
          }
        } finally {
          fetchAgainWhenDone(queue, name);
        }
      },
    );
  }
  relay.attach(queue, (name) => startNow(queue, name));
  await queue.createQueue(RELAY_JOBS.failedReplies);
  await queue.schedule(RELAY_JOBS.failedReplies, FAILED_REPLIES_CRON);
  await queue.work(RELAY_JOBS.failedReplies, async () => {
    await relay.noteFailedReplies();
  });
  log.debug({ queues: Object.values(RELAY_JOBS), workersPerQueue: WORKERS_PER_QUEUE }, 'relay workers started');
}

/**
 * Wakes one idle local worker of the queue so it fetches now. A job held back behind its customer's running one is
 * fetched when that one ends (`fetchAgainWhenDone`); with no idle worker, the busy ones fetch as they finish.
 */
function startNow(queue: Queue, name: string) {
  const idle = queue.getWipData().find((w) => w.name === name && w.count === 0);
  if (idle) queue.notifyWorker(idle.id);
}

/**
 * The workers of the queue that are running a job (this one included) fetch again as soon as it is done, rather
 * than after the poll: the next message of the customer whose job just ended becomes fetchable at that moment.
 */
function fetchAgainWhenDone(queue: Queue, name: string) {
  for (const w of queue.getWipData()) if (w.name === name && w.count > 0) queue.notifyWorker(w.id);
}
