import type { Logger } from '../../lib/logger.ts';
import type { Queue } from '../../queue/queue.ts';
import type { CampaignDispatcher } from './campaign-dispatcher.ts';

export const DISPATCH_JOB = 'campaign-dispatch';
/** Each worker's own dispatch queue: a lane passed on to an instance reaches that instance, not whoever polls first. */
export const ownDispatchQueue = (workerId: string) => `${DISPATCH_JOB}.${workerId}`;

/** How often an instance looks for the own queues of instances that are gone. */
const QUEUE_CLEANUP_MS = 60_000;

/**
 * Deletes the own queues of instances without a live lease (stopped or killed): each start makes a new one, so
 * they would pile up. A job still in such a queue is not lost: its lane has no live holder, and the sweeper
 * restarts lanes nobody holds. A queue younger than `minAgeMs` may belong to an instance still starting (its
 * queue comes before its lease), so it stays.
 */
export async function deleteQueuesOfGoneWorkers(
  queue: Queue,
  live: () => Promise<Set<string>>,
  minAgeMs = QUEUE_CLEANUP_MS,
): Promise<string[]> {
  const prefix = `${DISPATCH_JOB}.`;
  const bornBefore = Date.now() - minAgeMs;
  const own = (await queue.getQueues())
    .filter((q) => q.name.startsWith(prefix) && new Date(q.createdOn).getTime() < bornBefore)
    .map((q) => q.name);
  if (own.length === 0) return [];
  const alive = await live();
  const gone = own.filter((name) => !alive.has(name.slice(prefix.length)));
  for (const name of gone) await queue.deleteQueue(name);
  return gone;
}

/** pg-boss wiring: the dispatch queue and the sweeper, in instances that run workers. */
export async function startCampaignWorkers(
  queue: Queue,
  dispatcher: CampaignDispatcher,
  log: Logger,
  options: { concurrency?: number; sweepMs?: number } = {},
) {
  const own = ownDispatchQueue(dispatcher.workerId);
  for (const name of [DISPATCH_JOB, own]) await queue.createQueue(name, { policy: 'short', retryLimit: 0, expireInSeconds: 300 });
  dispatcher.attach(queue);
  // The lease first: recipients this process claims carry its id, and others must see it alive.
  await dispatcher.startHeartbeat();
  for (const name of [DISPATCH_JOB, own]) {
    await queue.work<{ campaignId: string; lane?: number; bounce?: number }>(
      name,
      { localConcurrency: options.concurrency ?? 4, pollingIntervalSeconds: 0.5, batchSize: 1 },
      async ([job]) => {
        if (!job) return;
        await dispatcher.runLane(job.data.campaignId, job.data.lane ?? 0, job.data.bounce ?? 0);
      },
    );
  }
  const sweep = () => dispatcher.sweep().catch((err: Error) => log.warn({ err: err.message }, 'campaign sweep failed'));
  const timer = setInterval(sweep, options.sweepMs ?? 1_000);
  timer.unref();
  const cleanup = () =>
    deleteQueuesOfGoneWorkers(queue, () => dispatcher.liveWorkers()).catch((err: Error) =>
      log.warn({ err: err.message }, 'dispatch queue cleanup failed'),
    );
  const cleanupTimer = setInterval(cleanup, QUEUE_CLEANUP_MS);
  cleanupTimer.unref();
  queue.on('stopped', () => {
    clearInterval(timer);
    clearInterval(cleanupTimer);
    dispatcher.stop();
    void dispatcher.releaseLeases().catch(() => {});
  });
  await sweep();
}
