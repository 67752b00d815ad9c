import { AUDIT_ACTIONS, ErrorCode } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { BillingError, type RecurrentCharge } from '../../providers/livechat-billing/billing.port.ts';
import { actors, audit } from '../audit/audit.ts';
import { findCharge, openKeptToken } from '../billing/billing.service.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { isRecurrentFinal } from '../billing/charge-state.ts';
import type { TokenVault } from '../billing/token-vault.ts';
import { findCancellation, markCancellation, noteCancellationAttempt, pendingCancellations } from './lifecycle.repo.ts';

export interface CancellationOutcome {
  cancelled: number;
  pending: number;
}

/**
 * Cancels plans' recurrent charges with LiveChat's Billing API when a business loses access (C.5, E) or gets
 * its refund (H). The Billing API accepts only a user's token and webhooks carry none, so this uses the token the
 * billing sync keeps for the organization (an owner's or admin's, sealed). When none is kept, or LiveChat
 * refuses, the cancellation stays owed (`plan_cancellations`) and a job retries it; operators see it in
 * `pnpm ops show`.
 */
export class PlanCancellationService {
  constructor(
    private readonly db: Db,
    private readonly billing: BillingService,
    private readonly vault: TokenVault,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private readonly settledHandlers: ((organizationId: string) => Promise<void>)[] = [];

  /** Runs after an organization's owed cancellations are all done (e.g. a deleted business's credential goes). */
  onAllSettled(handler: (organizationId: string) => Promise<void>) {
    this.settledHandlers.push(handler);
  }

  /** The organization's kept LiveChat token, or null. */
  async keptToken(organizationId: string): Promise<string | null> {
    return (await openKeptToken(this.db, this.vault, organizationId, this.now()))?.token ?? null;
  }

  /**
   * Cancels one plan charge now, for a decision that must not be recorded unless it happened (a refund's
   * approval). Returns LiveChat's answer, or null when our record already shows the charge ended.
   */
  async cancelNow(organizationId: string, chargeId: string): Promise<RecurrentCharge | null> {
    const charge = await findCharge(this.db, chargeId);
    if (!charge || charge.organizationId !== organizationId || charge.kind !== 'recurrent') return null;
    if (isRecurrentFinal(charge.status)) return null;
    const token = await this.keptToken(organizationId);
    if (!token) {
      throw new DomainError(
        ErrorCode.planCancellationFailed,
        "Can't cancel the plan yet",
        "LiveChat's Billing API needs the session of an owner or admin of this business, and none is kept right now. It is kept as soon as one of them opens the WhatsApp app; try again then.",
      );
    }
    try {
      const remote = await this.billing.cancelRemotePlan(token, chargeId);
      if (!isRecurrentFinal(remote.status)) throw new BillingError(`charge is ${remote.status} after cancelling`, 422);
      return remote;
    } catch (err) {
      this.log.warn({ chargeId, err: (err as Error).message }, 'plan cancellation failed');
      throw new DomainError(
        ErrorCode.upstreamRefused,
        "Can't cancel the plan",
        "LiveChat's Billing API did not cancel the plan's recurrent charge, so nothing was changed. Try again in a moment.",
      );
    }
  }

  /** Works off what is owed for one organization; never throws (it is retried). */
  async settle(organizationId: string): Promise<CancellationOutcome> {
    const owed = await pendingCancellations(this.db, organizationId);
    if (owed.length === 0) return { cancelled: 0, pending: 0 };
    const token = await this.keptToken(organizationId);
    let cancelled = 0;
    for (const c of owed) {
      const charge = await findCharge(this.db, c.chargeId);
      if (!charge || isRecurrentFinal(charge.status)) {
        await markCancellation(this.db, c.chargeId, { status: 'done', doneAt: this.now() });
        cancelled++;
        continue;
      }
      if (!token) {
        await noteCancellationAttempt(this.db, c.chargeId, c.attempts + 1, 'no kept LiveChat token for this business');
        continue;
      }
      try {
        const remote = await this.billing.cancelRemotePlan(token, c.chargeId);
        const done = isRecurrentFinal(remote.status);
        await this.billing.applyRecurrent(c.chargeId, remote, async (tx) => {
          const fresh = await findCancellation(tx, c.chargeId);
          if (fresh?.status === 'done') return;
          await markCancellation(
            tx,
            c.chargeId,
            done
              ? { status: 'done', doneAt: this.now(), attempts: c.attempts + 1, lastError: null }
              : { attempts: c.attempts + 1, lastError: `LiveChat says ${remote.status}` },
          );
          if (done) {
            await audit.record(tx, {
              organizationId,
              actor: actors.system('plan-cancellation'),
              action: AUDIT_ACTIONS.planCancelled,
              target: { type: 'charge', id: c.chargeId },
              metadata: { cause: c.cause, numberId: c.numberId, status: remote.status },
              idempotencyKey: `plan-cancelled:${c.chargeId}`,
            });
          }
        });
        if (done) cancelled++;
      } catch (err) {
        const message = err instanceof BillingError ? `LiveChat Billing: HTTP ${err.status}` : 'unexpected error';
        this.log.warn({ chargeId: c.chargeId, err: (err as Error).message }, 'owed plan cancellation failed');
        await noteCancellationAttempt(this.db, c.chargeId, c.attempts + 1, message);
      }
    }
    // Counted again: another instance (or the retry job) may have settled some of them meanwhile.
    const pending = (await pendingCancellations(this.db, organizationId)).length;
    if (pending === 0)
      for (const h of this.settledHandlers)
        await h(organizationId).catch((err: Error) => this.log.warn({ organizationId, err: err.message }, 'after plan cancellations'));
    return { cancelled, pending };
  }

  /** The retry job: every organization with something owed. */
  async sweep(): Promise<CancellationOutcome> {
    const orgs = [...new Set((await pendingCancellations(this.db)).map((c) => c.organizationId))];
    const total = { cancelled: 0, pending: 0 };
    for (const org of orgs) {
      const r = await this.settle(org);
      total.cancelled += r.cancelled;
      total.pending += r.pending;
    }
    if (orgs.length) this.log.info({ organizations: orgs.length, ...total }, 'owed plan cancellations');
    return total;
  }
}
