import type { Logger } from '../../lib/logger.ts';
import { ledgerInvariantChecks } from '../../lib/metrics.ts';
import type { Queue } from '../../queue/queue.ts';
import type { LedgerService } from './ledger.service.ts';

export const LEDGER_VERIFY_JOB = 'ledger-verify';

/**
 * One pass of the ledger's invariant check: every account row against the sum of its entries. A mismatch is
 * logged as an error per organization (ids and totals only) and counted in `ledger_invariant_checks_total`.
 */
export async function verifyLedger(ledger: Pick<LedgerService, 'verify'>, log: Logger): Promise<{ checked: number; mismatches: number }> {
  let result;
  try {
    result = await ledger.verify();
  } catch (err) {
    ledgerInvariantChecks.inc({ result: 'error' });
    throw err;
  }
  for (const m of result.mismatches) {
    log.error(
      { organizationId: m.organizationId, account: m.account, entries: m.entries },
      'ledger account row differs from the sum of its entries',
    );
  }
  ledgerInvariantChecks.inc({ result: result.mismatches.length ? 'violation' : 'ok' });
  log.info({ checked: result.checked, mismatches: result.mismatches.length }, 'ledger verified');
  return { checked: result.checked, mismatches: result.mismatches.length };
}

/** The nightly check on pg-boss (LEDGER_VERIFY_CRON): one instance runs each scheduled pass. */
export async function registerLedgerVerification(
  queue: Queue,
  ledger: Pick<LedgerService, 'verify'>,
  cron: string,
  log: Logger,
): Promise<void> {
  await queue.createQueue(LEDGER_VERIFY_JOB);
  await queue.schedule(LEDGER_VERIFY_JOB, cron);
  await queue.work(LEDGER_VERIFY_JOB, async () => {
    await verifyLedger(ledger, log);
  });
}
