import { AUDIT_ACTIONS, ErrorCode, type Refund, type RefundCandidate, type RefundEligibility, type RefundsResponse } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { actorLabel, actors, audit, type Actor } from '../audit/audit.ts';
import type { Identity } from '../auth/auth.service.ts';
import { disconnectNumber, findCharge, listCharges } from '../billing/billing.service.ts';
import type { ChargeRow } from '../../db/rows.ts';
import type { BillingService } from '../billing/billing.service.ts';
import { lockLedgerIn } from '../ledger/ledger.service.ts';
import { allNumbers, findAnyNumber } from '../lifecycle/lifecycle.service.ts';
import type { LifecycleService } from '../lifecycle/lifecycle.service.ts';
import type { PlanCancellationService } from '../lifecycle/plan-cancellation.service.ts';
import { effectiveInstant } from '../lifecycle/terms.ts';
import { refundEligibility } from './eligibility.ts';
import * as repo from './refunds.repo.ts';

/** Reads (and the writes other modules take part in) that this module offers the others. */
export { listRefunds } from './refunds.repo.ts';

/** Charges that took money: a paid package, a plan that ran. */
const PAID: Record<'direct' | 'recurrent', readonly string[]> = {
  direct: ['success'],
  recurrent: ['active', 'past_due', 'frozen', 'cancelled'],
};

type RefundDetails = NonNullable<Awaited<ReturnType<typeof repo.findRefundDetails>>>;

/**
 * The 14-day money-back guarantee as a workflow of ours (LiveChat's Billing API has no refund endpoint): the
 * owner requests, the BFF decides eligibility (H; anything else is refused under I), an operator reviews, and
 * approval cancels the plan's recurrent charge, disconnects the number and records the refund; the operator
 * then records the payout. Status: requested → approved → paid, or requested → refused.
 */
export class RefundsService {
  constructor(
    private readonly db: Db,
    private readonly lifecycle: LifecycleService,
    private readonly billing: BillingService,
    private readonly cancellations: PlanCancellationService,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  toDto(r: RefundDetails): Refund {
    const x = r.refund;
    return {
      id: x.id,
      organizationId: x.organizationId,
      chargeId: x.chargeId,
      numberId: x.numberId,
      number: r.number ?? null,
      description: r.description ?? x.chargeId,
      amountCents: x.amountCents,
      currency: x.currency,
      status: x.status,
      requestedAt: x.requestedAt.toISOString(),
      requestedBy: x.requestedBy,
      decidedAt: x.decidedAt?.toISOString() ?? null,
      decisionReason: x.decisionReason,
      paidAt: x.paidAt?.toISOString() ?? null,
      planCancelled: x.planCancelled,
    };
  }

  /** Eligibility of one charge, read inside `conn` (the request's transaction, under the organization's lock). */
  private async eligibilityIn(conn: Db | Tx, organizationId: string, charge: ChargeRow): Promise<RefundEligibility> {
    // One after another: inside a transaction the connection runs one statement at a time anyway.
    const profile = await this.lifecycle.profile(organizationId, conn);
    const numbers = await allNumbers(conn, organizationId);
    const existing = await repo.liveRefund(conn, organizationId);
    const first = numbers[0];
    return refundEligibility({
      charge: { id: charge.id, kind: charge.kind, numberId: charge.numberId, status: charge.status, createdAt: charge.createdAt },
      firstNumber: first ? { id: first.id, number: first.number } : null,
      business: { ...profile, termsEffectiveAt: effectiveInstant(this.lifecycle.terms) },
      existingRefund: existing && existing.status !== 'refused' ? { status: existing.status, requestedAt: existing.requestedAt } : null,
      now: this.now(),
    });
  }

  async overview(organizationId: string): Promise<RefundsResponse> {
    const [rows, charges, timeZone] = await Promise.all([
      repo.listRefunds(this.db, { organizationId }),
      listCharges(this.db, organizationId),
      this.lifecycle.timeZoneOf(organizationId),
    ]);
    const numbers = new Map((await allNumbers(this.db, organizationId)).map((n) => [n.id, n.number]));
    const candidates: RefundCandidate[] = [];
    for (const c of charges.filter((c) => PAID[c.kind].includes(c.status)).reverse()) {
      candidates.push({
        chargeId: c.id,
        kind: c.kind,
        description: c.name,
        number: c.numberId ? (numbers.get(c.numberId) ?? null) : null,
        amountCents: c.priceCents * c.quantity,
        currency: this.billing.catalog.currency,
        purchasedAt: c.createdAt.toISOString(),
        eligibility: await this.eligibilityIn(this.db, organizationId, c),
      });
    }
    return { refunds: rows.map((r) => this.toDto(r)), candidates, timeZone };
  }

  /**
   * The owner asks for the refund of a charge. An eligible request is recorded for operator review; any other is
   * refused with the condition that failed (and the refusal is audited).
   */
  async request(identity: Identity, organizationId: string, chargeId: string): Promise<Refund> {
    const outcome = await this.db.transaction(async (tx) => {
      await lockLedgerIn(tx, organizationId);
      const charge = await findCharge(tx, chargeId);
      if (!charge || charge.organizationId !== organizationId) throw errors.notFound('The charge');
      const eligibility = await this.eligibilityIn(tx, organizationId, charge);
      const actor = actors.account(identity.accountId);
      if (!eligibility.eligible) {
        await audit.record(tx, {
          organizationId,
          actor,
          action: AUDIT_ACTIONS.refundRefusedIneligible,
          target: { type: 'charge', id: charge.id },
          metadata: { condition: eligibility.condition, kind: charge.kind, numberId: charge.numberId },
        });
        return { eligibility, refund: null };
      }
      const refund = await repo.insertRefund(tx, {
        organizationId,
        chargeId: charge.id,
        numberId: charge.numberId,
        amountCents: charge.priceCents * charge.quantity,
        currency: this.billing.catalog.currency,
        requestedBy: identity.accountId,
        requestedAt: this.now(),
      });
      await audit.record(tx, {
        organizationId,
        actor,
        action: AUDIT_ACTIONS.refundRequested,
        target: { type: 'refund', id: refund.id },
        metadata: {
          chargeId: charge.id,
          numberId: charge.numberId,
          amountCents: refund.amountCents,
          currency: refund.currency,
          lastDay: eligibility.lastDay,
        },
      });
      return { eligibility, refund };
    });
    if (!outcome.refund) {
      throw new DomainError(ErrorCode.refundNotEligible, 'Not covered by the money-back guarantee', outcome.eligibility.message, {
        errors: [{ path: 'chargeId', message: outcome.eligibility.message }],
      });
    }
    return this.get(outcome.refund.id);
  }

  async get(refundId: string, organizationId?: string): Promise<Refund> {
    const r = await repo.findRefundDetails(this.db, refundId);
    if (!r || (organizationId && r.refund.organizationId !== organizationId)) throw errors.notFound('The refund');
    return this.toDto(r);
  }

  async list(status?: Refund['status']): Promise<Refund[]> {
    return (await repo.listRefunds(this.db, status ? { status } : {})).map((r) => this.toDto(r));
  }

  /**
   * Approval: cancel the plan's recurrent charge with LiveChat first (nothing is recorded if that fails: a
   * refunded plan must never keep billing), then, in one transaction, disconnect the number and record the
   * refund. Approving twice changes nothing the second time.
   */
  async approve(refundId: string, actor: Actor, reason: string | null): Promise<{ refund: Refund; changed: boolean }> {
    const current = await this.get(refundId);
    if (current.status === 'approved' || current.status === 'paid') return { refund: current, changed: false };
    if (current.status !== 'requested')
      throw errors.conflict(`This refund was ${current.status}; only a requested refund can be approved.`);
    const orgId = current.organizationId;
    const remote = await this.cancellations.cancelNow(orgId, current.chargeId);
    let changed = false;
    const finish = async (tx: Tx) => {
      await lockLedgerIn(tx, orgId);
      const locked = await repo.lockRefund(tx, refundId);
      if (!locked || locked.status !== 'requested') return;
      const at = this.now();
      const number = locked.numberId ? await findAnyNumber(tx, orgId, locked.numberId) : undefined;
      if (number && !number.disconnectedAt) {
        await disconnectNumber(tx, number.id, at);
        await audit.record(tx, {
          organizationId: orgId,
          actor,
          action: AUDIT_ACTIONS.numberDisconnected,
          target: { type: 'number', id: number.id },
          metadata: { number: number.number, cause: 'refund', refundId },
          at,
        });
      }
      const charge = await findCharge(tx, locked.chargeId);
      await repo.updateRefund(tx, refundId, {
        status: 'approved',
        decidedBy: actorLabel(actor),
        decidedAt: at,
        decisionReason: reason,
        planCancelled: true,
      });
      if (remote) {
        await audit.record(tx, {
          organizationId: orgId,
          actor,
          action: AUDIT_ACTIONS.planCancelled,
          target: { type: 'charge', id: locked.chargeId },
          metadata: { cause: 'refund', refundId, status: remote.status },
          at,
          idempotencyKey: `plan-cancelled:${locked.chargeId}`,
        });
      }
      await audit.record(tx, {
        organizationId: orgId,
        actor,
        action: AUDIT_ACTIONS.refundApproved,
        target: { type: 'refund', id: refundId },
        metadata: {
          chargeId: locked.chargeId,
          amountCents: locked.amountCents,
          currency: locked.currency,
          numberId: locked.numberId,
          chargeStatus: remote?.status ?? charge?.status ?? null,
          reason,
        },
        at,
      });
      changed = true;
    };
    if (remote) await this.billing.applyRecurrent(current.chargeId, remote, finish);
    else await this.db.transaction(finish);
    this.log.info({ refundId, organizationId: orgId, changed }, 'refund approved');
    return { refund: await this.get(refundId), changed };
  }

  async refuse(refundId: string, actor: Actor, reason: string | null): Promise<{ refund: Refund; changed: boolean }> {
    return this.transition(refundId, 'requested', 'refused', actor, reason, AUDIT_ACTIONS.refundRefused);
  }

  /** The operator paid the approved refund out (outside LiveChat's Billing API, which has no refund endpoint). */
  async markPaid(refundId: string, actor: Actor, reason: string | null): Promise<{ refund: Refund; changed: boolean }> {
    return this.transition(refundId, 'approved', 'paid', actor, reason, AUDIT_ACTIONS.refundPaid);
  }

  private async transition(
    refundId: string,
    from: 'requested' | 'approved',
    to: 'refused' | 'paid',
    actor: Actor,
    reason: string | null,
    action: string,
  ) {
    const current = await this.get(refundId);
    let changed = false;
    await this.db.transaction(async (tx) => {
      await lockLedgerIn(tx, current.organizationId);
      const locked = await repo.lockRefund(tx, refundId);
      if (!locked) throw errors.notFound('The refund');
      if (locked.status === to) return;
      if (locked.status !== from) throw errors.conflict(`This refund is ${locked.status}; only a ${from} refund can be marked ${to}.`);
      const at = this.now();
      const by = actorLabel(actor);
      await repo.updateRefund(
        tx,
        refundId,
        to === 'paid'
          ? { status: 'paid', paidAt: at, paidBy: by }
          : { status: 'refused', decidedAt: at, decidedBy: by, decisionReason: reason },
      );
      await audit.record(tx, {
        organizationId: locked.organizationId,
        actor,
        action,
        target: { type: 'refund', id: refundId },
        metadata: { chargeId: locked.chargeId, amountCents: locked.amountCents, currency: locked.currency, reason },
        at,
      });
      changed = true;
    });
    return { refund: await this.get(refundId), changed };
  }
}
