import { describe, expect, it } from 'vitest';
import { refundEligibility, type EligibilityInput } from './eligibility.ts';

const TERMS = new Date('2024-05-09T00:00:00Z');
const FIRST = { id: 'number-1', number: '+12126647665' };
// Bought at 23:30 UTC on 1 March = 18:30 in New York, still 1 March there.
const BOUGHT = new Date('2026-03-01T23:30:00Z');

/** An eligible request: a new business, the first number's paid plan, nothing refunded, within 14 days. */
type Overrides = Partial<Omit<EligibilityInput, 'business' | 'charge'>> & {
  business?: Partial<EligibilityInput['business']>;
  charge?: Partial<EligibilityInput['charge']>;
};

function base(over: Overrides = {}): EligibilityInput {
  return {
    firstNumber: FIRST,
    existingRefund: null,
    now: new Date('2026-03-05T12:00:00Z'),
    ...over,
    charge: { id: 'plan-1', kind: 'recurrent', numberId: FIRST.id, status: 'active', createdAt: BOUGHT, ...over.charge },
    business: {
      startedAt: new Date('2026-02-20T10:00:00Z'),
      termsEffectiveAt: TERMS,
      installation: 1,
      timeZone: 'America/New_York',
      ...over.business,
    },
  };
}

describe('H: the 14-day money-back guarantee, condition by condition', () => {
  // Each row changes one thing from an eligible request; the BFF names exactly the condition that failed.
  const table: { name: string; input: EligibilityInput; condition: string | null; says: RegExp }[] = [
    {
      name: 'the first number’s paid plan, within the window',
      input: base(),
      condition: null,
      says: /Covered by the 14-day money-back guarantee: request it by 15 Mar 2026 \(America\/New_York\)/,
    },
    {
      name: 'day 14 in the business’s time zone (23:00 on 15 March in New York, already 16 March in UTC) is in time',
      input: base({ now: new Date('2026-03-16T03:00:00Z') }),
      condition: null,
      says: /request it by 15 Mar 2026/,
    },
    {
      name: 'day 15 in the business’s time zone (00:30 on 16 March in New York) is too late',
      input: base({ now: new Date('2026-03-16T04:30:00Z') }),
      condition: 'more_than_14_days',
      says: /within 14 days of buying the plan \(terms Part H\.1\)\. It was bought on 1 Mar 2026, so the last day was 15 Mar 2026 \(America\/New_York\)/,
    },
    {
      name: 'the same instants counted in UTC: the purchase is on 1 March there too, and 16 March is day 15',
      input: base({ now: new Date('2026-03-16T03:00:00Z'), business: { timeZone: 'UTC' } }),
      condition: 'more_than_14_days',
      says: /last day was 15 Mar 2026 \(UTC\)/,
    },
    {
      name: 'a purchase late in the evening in Tokyo is the next day there: day 14 moves with it',
      input: base({ now: new Date('2026-03-16T03:00:00Z'), business: { timeZone: 'Asia/Tokyo' } }),
      condition: null,
      says: /request it by 16 Mar 2026 \(Asia\/Tokyo\)/,
    },
    {
      name: 'the plan of the second number',
      input: base({ charge: { numberId: 'number-2' } }),
      condition: 'not_first_number',
      says: /only the plan of the first WhatsApp number added \(terms Part H\.3\), which was \+12126647665/,
    },
    {
      name: 'the second request, while the first is under review',
      input: base({ existingRefund: { status: 'requested', requestedAt: new Date('2026-03-02T15:00:00Z') } }),
      condition: 'already_refunded',
      says: /just once per business \(terms Part H\.3\).*already asked for its refund on 2 Mar 2026; it is under review/,
    },
    {
      name: 'the second request, after the refund was paid',
      input: base({ existingRefund: { status: 'paid', requestedAt: new Date('2026-03-02T15:00:00Z') } }),
      condition: 'already_refunded',
      says: /already had its refund/,
    },
    {
      name: 'a conversation package',
      input: base({ charge: { kind: 'direct', numberId: null, status: 'success' } }),
      condition: 'package_not_refundable',
      says: /packages are never refunded \(terms Part H\.2\)/,
    },
    {
      name: 'a business that is not new: it started before the terms that carry the guarantee',
      input: base({ business: { startedAt: new Date('2024-05-08T23:59:59Z') } }),
      condition: 'not_new_business',
      says: /new customers only \(terms Part H\), and this business started on 8 May 2024/,
    },
    {
      name: 'a business that is not new: it was a customer before it reinstalled',
      input: base({ business: { installation: 2 } }),
      condition: 'not_new_business',
      says: /was a customer before it reinstalled/,
    },
    { name: 'a plan that was never paid', input: base({ charge: { status: 'pending' } }), condition: 'plan_not_paid', says: /never paid/ },
    {
      name: 'a business that started on the effective date is new',
      input: base({ business: { startedAt: TERMS } }),
      condition: null,
      says: /Covered/,
    },
  ];

  for (const row of table) {
    it(`H: ${row.name}`, () => {
      const r = refundEligibility(row.input);
      expect(r.condition).toBe(row.condition);
      expect(r.eligible).toBe(row.condition === null);
      expect(r.message).toMatch(row.says);
      // Anything the guarantee does not cover is an "other refund", refused under Part I.
      if (!r.eligible) expect(r.message).toContain('No other refunds or credits are offered (terms Part I).');
    });
  }

  it('H: the last day is reported as a local date for plans', () => {
    expect(refundEligibility(base()).lastDay).toBe('2026-03-15');
    expect(refundEligibility(base({ business: { timeZone: 'Asia/Tokyo' } })).lastDay).toBe('2026-03-16');
  });
});
