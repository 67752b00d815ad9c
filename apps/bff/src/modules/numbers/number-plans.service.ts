import {
  checkPhone,
  type ChoosePlanRequest,
  type FieldError,
  type ConnectNumberRequest,
  type NumberPurchaseResponse,
  type WhatsAppNumber,
} from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { BillingPort, RecurrentCharge } from '../../providers/livechat-billing/billing.port.ts';
import * as billingRepo from '../billing/billing.service.ts';
import { billingUnavailable, type BillingService, type Caller } from '../billing/billing.service.ts';
import { findPlan, planChargeName, planItem, planPrice } from '../billing/catalog.ts';
import { isRecurrentFinal } from '../billing/charge-state.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import { findNumberByE164, insertNumber } from './numbers.repo.ts';
import type { NumbersService } from './numbers.service.ts';

const RUNNING: readonly string[] = ['active', 'past_due', 'frozen'];

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/**
 * C.1: connecting a number, paying its plan per number, and disconnecting it. A number can send only while its
 * plan's recurrent charge is active (see NumbersService.cannotSendReason); the charge is created here and
 * verified by BillingService.settle() when the owner has answered LiveChat's payment modal.
 */
export class NumberPlansService {
  constructor(
    private readonly db: Db,
    private readonly numbers: NumbersService,
    private readonly billing: BillingService,
    private readonly port: BillingPort,
    private readonly options: { returnUrl: string; testCharges: boolean },
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private unknownPlan(): FieldError {
    return { path: 'planId', message: `Unknown plan. Choose one of: ${this.billing.catalog.plans.map((p) => p.name).join(', ')}.` };
  }

  private plan(planId: string) {
    const plan = findPlan(this.billing.catalog, planId);
    if (!plan) throw errors.validation([this.unknownPlan()], 'There is no such plan.');
    return plan;
  }

  private async createPlanCharge(caller: Caller, input: ChoosePlanRequest): Promise<RecurrentCharge & { item: string }> {
    const plan = this.plan(input.planId);
    const { price, months } = planPrice(plan, input.billingCycle);
    try {
      const charge = await this.port.createRecurrentCharge(caller.token, {
        name: planChargeName(plan, input.billingCycle),
        price,
        months,
        returnUrl: this.options.returnUrl,
        test: this.options.testCharges,
      });
      return { ...charge, item: planItem(plan, input.billingCycle) };
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'recurrent charge creation failed');
      throw billingUnavailable(err);
    }
  }

  private chargeValues(caller: Caller, numberId: string, charge: RecurrentCharge & { item: string }) {
    return {
      id: charge.id,
      organizationId: caller.organizationId,
      kind: 'recurrent' as const,
      item: charge.item,
      name: charge.name,
      priceCents: charge.price,
      months: charge.months,
      numberId,
      status: charge.status,
      nextChargeAt: charge.nextChargeAt,
      createdBy: caller.accountId,
    };
  }

  /** A charge we created but could not record must not stay open in LiveChat. */
  private async abandon(caller: Caller, chargeId: string) {
    await this.billing
      .cancelRemotePlan(caller.token, chargeId)
      .catch((err: Error) =>
        this.log.warn({ chargeId, err: err.message }, 'could not cancel an abandoned plan charge; the sync will find it stale'),
      );
  }

  /** Checks the number, creates its plan's recurrent charge, then records both; bad input writes nothing. */
  async connect(caller: Caller, org: OrganizationRow, input: ConnectNumberRequest): Promise<NumberPurchaseResponse> {
    const phone = checkPhone(input.number);
    const fieldErrors: FieldError[] = [];
    if (!phone.ok) fieldErrors.push({ path: 'number', message: phone.reason });
    if (!findPlan(this.billing.catalog, input.planId)) fieldErrors.push(this.unknownPlan());
    if (!phone.ok || fieldErrors.length) throw errors.validation(fieldErrors, 'Check the highlighted fields.');
    const e164 = phone.e164;
    const taken = await findNumberByE164(this.db, e164);
    if (taken.length) {
      const ours = taken.some((n) => n.organizationId === org.id);
      throw errors.conflict(ours ? 'This number is already connected.' : 'This number is connected to another LiveChat organization.', [
        { path: 'number', message: ours ? 'Already connected to your organization' : 'Already connected to another organization' },
      ]);
    }

    const charge = await this.createPlanCharge(caller, input);
    let row;
    try {
      row = await this.db.transaction(async (tx) => {
        const n = await insertNumber(tx, {
          organizationId: org.id,
          number: e164,
          displayName: input.displayName,
          apiVersion: input.apiVersion,
          wabaId: input.wabaId,
          planStatus: 'pending',
        });
        await billingRepo.insertCharge(tx, this.chargeValues(caller, n.id, charge));
        return n;
      });
    } catch (err) {
      await this.abandon(caller, charge.id);
      if (isUniqueViolation(err)) {
        throw errors.conflict('This number is already connected.', [{ path: 'number', message: 'Already connected to your organization' }]);
      }
      throw err;
    }
    return {
      number: await this.dto(org, row.id),
      bill: await this.billing.bill(org.id, charge.id),
      charge: charge.raw as NumberPurchaseResponse['charge'],
    };
  }

  /** A new plan charge for a number whose plan is not running (never paid, declined, cancelled). */
  async choosePlan(caller: Caller, org: OrganizationRow, numberId: string, input: ChoosePlanRequest): Promise<NumberPurchaseResponse> {
    const n = await this.numbers.get(org.id, numberId);
    this.plan(input.planId);
    const current = (await billingRepo.currentPlanCharges(this.db, [n.id])).get(n.id);
    if (current && RUNNING.includes(current.status)) {
      throw errors.conflict(
        current.status === 'active'
          ? 'This number already has an active plan.'
          : 'This number has a plan whose payment LiveChat is still collecting. Settle it in LiveChat billing, or disconnect the number.',
        [{ path: 'planId', message: 'The number already has a plan' }],
      );
    }
    const charge = await this.createPlanCharge(caller, input);
    try {
      await this.db.transaction(async (tx) => {
        await billingRepo.insertCharge(tx, this.chargeValues(caller, n.id, charge));
        await billingRepo.setNumberPlanStatus(tx, n.id, 'pending');
      });
    } catch (err) {
      await this.abandon(caller, charge.id);
      throw err;
    }
    // The previous attempt, if still open in LiveChat, is superseded.
    if (current && !isRecurrentFinal(current.status)) {
      const old = await this.billing.cancelRemotePlan(caller.token, current.id).catch(() => null);
      if (old) await this.billing.applyRecurrent(current.id, old);
    }
    return {
      number: await this.dto(org, n.id),
      bill: await this.billing.bill(org.id, charge.id),
      charge: charge.raw as NumberPurchaseResponse['charge'],
    };
  }

  /**
   * Cancels the plan's recurrent charge with LiveChat first, then disconnects: if LiveChat cannot be reached the
   * number stays connected, because a disconnected number must never keep being billed.
   */
  async disconnect(caller: Caller, org: OrganizationRow, numberId: string): Promise<WhatsAppNumber> {
    const n = await this.numbers.get(org.id, numberId);
    const current = (await billingRepo.currentPlanCharges(this.db, [n.id])).get(n.id);
    let remote: RecurrentCharge | null = null;
    if (current && !isRecurrentFinal(current.status)) {
      try {
        remote = await this.billing.cancelRemotePlan(caller.token, current.id);
      } catch (err) {
        this.log.warn({ numberId, err: (err as Error).message }, 'plan cancellation failed');
        throw billingUnavailable(err);
      }
    }
    const at = this.now();
    const finish = (tx: Tx) => billingRepo.disconnectNumber(tx, n.id, at);
    if (current && remote) await this.billing.applyRecurrent(current.id, remote, finish);
    else await this.db.transaction(finish);
    return this.numbers.toDto(org, { ...n, disconnectedAt: at, planStatus: 'cancelled' }, current);
  }

  private async dto(org: OrganizationRow, numberId: string): Promise<WhatsAppNumber> {
    const found = (await this.numbers.list(org)).find((x) => x.id === numberId);
    if (!found) throw errors.notFound('The WhatsApp number');
    return found;
  }
}
