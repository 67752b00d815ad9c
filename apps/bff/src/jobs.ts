import { isNull } from 'drizzle-orm';
import type { Services } from './app.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { numbers } from './db/schema.ts';
import type { Logger } from './lib/logger.ts';
import type { Queue } from './queue/queue.ts';
import { startCampaignWorkers } from './modules/campaigns/campaign-dispatcher.ts';
import { registerPlanCancellationRetries } from './modules/lifecycle/lifecycle.jobs.ts';
import { registerLedgerVerification } from './modules/ledger/ledger.jobs.ts';
import { registerScheduledJob, RETENTION_JOB } from './modules/privacy/retention.service.ts';
import { BUSINESS_DELETION_JOB } from './modules/privacy/business-rights.service.ts';
import { registerRelayJobs } from './modules/relay/relay.jobs.ts';

export interface JobDeps {
  database: Database;
  services: Services;
  log: Logger;
  config: Config;
}

export const JOBS = { syncTemplates: 'templates-sync', syncBilling: 'billing-sync', interruptedSends: 'interrupted-sends' } as const;

/** Background work shared by every instance through pg-boss: each run is claimed by one instance. */
export async function registerJobs(queue: Queue, deps: JobDeps) {
  await startCampaignWorkers(queue, deps.services.campaignDispatcher, deps.log);
  await registerBillingSync(queue, deps);
  // WhatsApp chats in LiveChat, both directions.
  await registerRelayJobs(queue, deps.services.relay, deps.log.child({ module: 'relay' }));
  await registerPlanCancellationRetries(queue, deps.services.planCancellations, deps.config.PLAN_CANCELLATION_RETRY_SECONDS, deps.log);
  // Nightly: every account row against the sum of its ledger entries (docs/operations.md).
  await registerLedgerVerification(queue, deps.services.ledger, deps.config.LEDGER_VERIFY_CRON, deps.log);
  // The retention purge (docs/privacy.md, "Data retention").
  // Sends a stopped process left half-done: closed as `interrupted`, their conversation given back.
  await registerScheduledJob(queue, JOBS.interruptedSends, deps.config.INTERRUPTED_SENDS_CRON, () =>
    deps.services.messaging.sweepInterrupted(),
  );
  await registerScheduledJob(queue, RETENTION_JOB, deps.config.RETENTION_CRON, () => deps.services.privacy.retention.purge());
  // L.11b: deletions requested by businesses that have since lost access (the uninstall webhook runs
  // them at once; this catches the rest, e.g. an operator's termination).
  await registerScheduledJob(queue, BUSINESS_DELETION_JOB, deps.config.BUSINESS_DELETION_CRON, () =>
    deps.services.privacy.business.runDue(),
  );
  await queue.createQueue(JOBS.syncTemplates);
  await queue.schedule(JOBS.syncTemplates, deps.config.TEMPLATE_SYNC_CRON);
  await queue.work(JOBS.syncTemplates, async () => {
    const list = await deps.database.db.select().from(numbers).where(isNull(numbers.disconnectedAt));
    let synced = 0;
    for (const n of list) {
      try {
        await deps.services.numbers.syncNumber(n);
        synced++;
      } catch {
        // One number's failure must not stop the others; the next run tries again.
      }
    }
    deps.log.info({ synced, total: list.length }, 'templates synced');
  });
}

/**
 * The billing sync (docs/billing.md): every BILLING_SYNC_INTERVAL_SECONDS each worker instance offers a job
 * keyed to that time slot, so pg-boss runs one pass per slot however many instances offer it.
 */
async function registerBillingSync(queue: Queue, deps: JobDeps) {
  const seconds = deps.config.BILLING_SYNC_INTERVAL_SECONDS;
  await queue.createQueue(JOBS.syncBilling, { policy: 'singleton' });
  await queue.work(JOBS.syncBilling, async () => {
    await deps.services.billingSync.sweep();
  });
  const offer = () =>
    queue
      .send(JOBS.syncBilling, {}, { singletonKey: 'sweep', singletonSeconds: seconds, retryLimit: 0 })
      .catch((err: Error) => deps.log.warn({ err: err.message }, 'could not queue the billing sync'));
  const timer = setInterval(offer, seconds * 1000);
  timer.unref();
  queue.on('stopped', () => clearInterval(timer));
  void offer();
}
