import { DateTime } from 'luxon';
import type { RefundCondition, RefundEligibility } from '@wa/contracts';

/** The guarantee's window: a request on the 14th local day after the purchase day is in time, on the 15th not (H.1). */
export const REFUND_WINDOW_DAYS = 14;

const PAID_PLAN: readonly string[] = ['active', 'past_due', 'frozen', 'cancelled'];

export interface EligibilityInput {
  charge: { id: string; kind: 'direct' | 'recurrent'; numberId: string | null; status: string; createdAt: Date };
  /** The first number the business ever added (connected or not), if any. */
  firstNumber: { id: string; number: string } | null;
  business: {
    /** When the business started (first use, or the LiveChat install date when earlier). */
    startedAt: Date;
    /** The effective date of the terms that carry this guarantee (midnight UTC). */
    termsEffectiveAt: Date;
    /** 1 for a business's first installation; more after uninstalling and reinstalling. */
    installation: number;
    /** IANA time zone the 14 days are counted in. */
    timeZone: string;
  };
  /** A refund the business already has (requested, approved or paid), if any. */
  existingRefund: { status: 'requested' | 'approved' | 'paid'; requestedAt: Date } | null;
  now: Date;
}

const OTHER = ' No other refunds or credits are offered (terms Part I).';

const day = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).startOf('day');
const show = (d: DateTime) => d.toFormat('d LLL yyyy');

function refuse(condition: RefundCondition, message: string, lastDay: string | null = null): RefundEligibility {
  return { eligible: false, condition, message: message + OTHER, lastDay };
}

/**
 * The 14-day money-back guarantee (Part H), decided by the BFF. Each refusal names the exact condition that
 * failed; whatever the guarantee does not cover is an "other refund" (Part I) and is refused with it.
 *
 * - packages are never refunded (H.2);
 * - only a plan that was paid;
 * - new customers only: not a business that started before the terms carrying the guarantee took effect, nor one
 *   that was a customer before (a reinstall after an uninstall);
 * - once per business (H.3): a refund already requested, approved or paid blocks another;
 * - only the plan of the first number ever added (H.3);
 * - within the first 14 days after the plan was bought (H.1), as calendar days in the business's time zone:
 *   the purchase day is day 0, day 14 is the last day.
 */
export function refundEligibility(input: EligibilityInput): RefundEligibility {
  const { charge, business } = input;
  if (charge.kind === 'direct') {
    return refuse('package_not_refundable', 'Prepaid conversation packages are never refunded (terms Part H.2).');
  }
  if (!PAID_PLAN.includes(charge.status)) {
    return refuse('plan_not_paid', 'This plan was never paid, so there is nothing to refund.');
  }
  if (business.startedAt < business.termsEffectiveAt) {
    return refuse(
      'not_new_business',
      `The 14-day money-back guarantee is for new customers only (terms Part H), and this business started on ${show(day(business.startedAt, business.timeZone))}, before the terms that carry it took effect.`,
    );
  }
  if (business.installation > 1) {
    return refuse(
      'not_new_business',
      'The 14-day money-back guarantee is for new customers only (terms Part H), and this business was a customer before it reinstalled the app.',
    );
  }
  if (input.existingRefund) {
    const when = show(day(input.existingRefund.requestedAt, business.timeZone));
    return refuse(
      'already_refunded',
      input.existingRefund.status === 'requested'
        ? `The guarantee applies just once per business (terms Part H.3), and this business already asked for its refund on ${when}; it is under review.`
        : `The guarantee applies just once per business (terms Part H.3), and this business already had its refund (requested on ${when}).`,
    );
  }
  if (!input.firstNumber || charge.numberId !== input.firstNumber.id) {
    return refuse(
      'not_first_number',
      `The guarantee covers only the plan of the first WhatsApp number added (terms Part H.3)${input.firstNumber ? `, which was ${input.firstNumber.number}` : ''}.`,
    );
  }
  const bought = day(charge.createdAt, business.timeZone);
  const last = bought.plus({ days: REFUND_WINDOW_DAYS });
  const today = day(input.now, business.timeZone);
  const lastDay = last.toISODate();
  if (today > last) {
    return refuse(
      'more_than_14_days',
      `Refunds must be requested within 14 days of buying the plan (terms Part H.1). It was bought on ${show(bought)}, so the last day was ${show(last)} (${business.timeZone}).`,
      lastDay,
    );
  }
  return {
    eligible: true,
    condition: null,
    message: `Covered by the 14-day money-back guarantee: request it by ${show(last)} (${business.timeZone}). An operator reviews every request.`,
    lastDay,
  };
}
