import type { Logger } from '../../lib/logger.ts';
import type { Queue } from '../../queue/queue.ts';
import type { PlanCancellationService } from './plan-cancellation.service.ts';

export const PLAN_CANCELLATIONS_JOB = 'plan-cancellations';

/**
 * Retries the plan cancellations owed to LiveChat (uninstall, termination, refund) every `seconds`: each worker
 * instance offers a job keyed to the time slot, so pg-boss runs one pass per slot however many offer it.
 */
export async function registerPlanCancellationRetries(queue: Queue, cancellations: PlanCancellationService, seconds: number, log: Logger) {
  await queue.createQueue(PLAN_CANCELLATIONS_JOB, { policy: 'singleton' });
  await queue.work(PLAN_CANCELLATIONS_JOB, async () => {
    await cancellations.sweep();
  });
  const offer = () =>
    queue
      .send(PLAN_CANCELLATIONS_JOB, {}, { singletonKey: 'sweep', singletonSeconds: seconds, retryLimit: 0 })
      .catch((err: Error) => log.warn({ err: err.message }, 'could not queue the plan cancellation retry'));
  const timer = setInterval(offer, seconds * 1000);
  timer.unref();
  queue.on('stopped', () => clearInterval(timer));
  void offer();
}
