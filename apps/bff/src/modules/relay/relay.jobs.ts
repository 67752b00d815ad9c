import type { Logger } from '../../lib/logger.ts';
import type { Queue } from '../../queue/queue.ts';
import { RELAY_JOBS, type RelayService } from './relay.service.ts';

interface RelayJob {
  id: string;
  data: unknown;
  retryCount?: number;
}

/**
 * The relay's two queues. `key_strict_fifo` on the customer's key: one customer's messages reach the chat (and an
 * agent's replies reach WhatsApp) in order, across instances and retries; other customers are not held back.
 */
export async function registerRelayJobs(queue: Queue, relay: RelayService, log: Logger) {
  for (const [name, run] of [
    [RELAY_JOBS.inbound, (data: never, attempt: number) => relay.relayInbound(data, attempt)],
    [RELAY_JOBS.outbound, (data: never, attempt: number) => relay.relayOutbound(data, attempt)],
  ] as const) {
    // A job of an instance that died comes back after two minutes (its retry finds what it already did); a done
    // job's sealed payload is dropped after an hour.
    await queue.createQueue(name, { policy: 'key_strict_fifo', expireInSeconds: 120, deleteAfterSeconds: 3600 });
    await queue.work(name, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs: RelayJob[]) => {
      for (const job of jobs) await run(job.data as never, job.retryCount ?? 0);
    });
  }
  relay.attach(queue);
  log.debug({ queues: Object.values(RELAY_JOBS) }, 'relay workers started');
}
