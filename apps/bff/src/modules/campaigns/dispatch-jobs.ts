import type { Logger } from '../../lib/logger.ts';
import type { Queue } from '../../queue/queue.ts';
import type { CampaignDispatcher } from './campaign-dispatcher.ts';

export const DISPATCH_JOB = 'campaign-dispatch';
/** Each worker's own dispatch queue: a lane passed on to an instance reaches that instance, not whoever polls first. */
export const ownDispatchQueue = (workerId: string) => `${DISPATCH_JOB}.${workerId}`;

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
  queue.on('stopped', () => {
    clearInterval(timer);
    dispatcher.stop();
    void dispatcher.releaseLeases().catch(() => {});
  });
  await sweep();
}
