import { z } from 'zod';
import { id, isoDate, namedObject } from './schema-builders.ts';

/**
 * The conditions of the 14-day money-back guarantee (Part H), each a reason the BFF can refuse with. Anything
 * they do not cover is an "other refund" (Part I), which is refused with the condition that failed.
 */
export const RefundConditionSchema = z.enum([
  /** H.2: prepaid conversation packages are never refunded. */
  'package_not_refundable',
  /** H: for new customers only (not a business that started before these terms, or that was a customer before). */
  'not_new_business',
  /** H.3: limited to just once per business (a refund already paid, approved or under review). */
  'already_refunded',
  /** H.3: only the plan of the first WhatsApp number ever added. */
  'not_first_number',
  /** H.1: within the first 14 days after the plan was bought, counted in the business's time zone. */
  'more_than_14_days',
  /** The plan was never paid, so there is nothing to give back. */
  'plan_not_paid',
]);
export type RefundCondition = z.infer<typeof RefundConditionSchema>;

export const RefundEligibilitySchema = z.object({
  eligible: z.boolean(),
  /** The condition that failed; null when eligible. */
  condition: RefundConditionSchema.nullable(),
  /** In words the owner understands, naming the clause. */
  message: z.string(),
  /** Last local day (YYYY-MM-DD, business time zone) a request is accepted, for a plan. */
  lastDay: z.iso.date().nullable(),
});
export type RefundEligibility = z.infer<typeof RefundEligibilitySchema>;

export const RefundStatusSchema = z.enum(['requested', 'approved', 'refused', 'paid']);
export type RefundStatus = z.infer<typeof RefundStatusSchema>;

export const RefundSchema = namedObject('Refund', {
  id: z.string(),
  organizationId: z.string(),
  chargeId: z.string(),
  numberId: z.string().nullable(),
  number: z.string().nullable(),
  description: z.string(),
  amountCents: z.number().int().nonnegative(),
  currency: z.string(),
  status: RefundStatusSchema,
  requestedAt: isoDate,
  requestedBy: z.string(),
  decidedAt: isoDate.nullable(),
  /** The operator's reason for the decision, if they gave one. */
  decisionReason: z.string().nullable(),
  paidAt: isoDate.nullable(),
  /** What happened to the plan's recurrent charge on approval. */
  planCancelled: z.boolean(),
});
export type Refund = z.infer<typeof RefundSchema>;

/** A charge of the business and whether the guarantee covers it. */
export const RefundCandidateSchema = z.object({
  chargeId: z.string(),
  kind: z.enum(['direct', 'recurrent']),
  description: z.string(),
  number: z.string().nullable(),
  amountCents: z.number().int().nonnegative(),
  currency: z.string(),
  purchasedAt: isoDate,
  eligibility: RefundEligibilitySchema,
});
export type RefundCandidate = z.infer<typeof RefundCandidateSchema>;

export const RefundsResponseSchema = namedObject('Refunds', {
  refunds: z.array(RefundSchema),
  candidates: z.array(RefundCandidateSchema),
  timeZone: z.string(),
});
export type RefundsResponse = z.infer<typeof RefundsResponseSchema>;

export const RequestRefundSchema = namedObject('RequestRefund', { chargeId: id });
export type RequestRefund = z.infer<typeof RequestRefundSchema>;

export const RefundResponseSchema = namedObject('RefundResponse', { refund: RefundSchema });
export type RefundResponse = z.infer<typeof RefundResponseSchema>;
