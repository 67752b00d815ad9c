import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DirectChargeStatus, RecurrentChargeStatus } from '../../providers/livechat-billing/billing.port.ts';
import {
  directStep,
  isDirectFinal,
  nextDirectStatus,
  nextRecurrentStatus,
  outcomeMessage,
  outcomeOf,
  planStatusFor,
  type LocalDirectStatus,
} from './charge-state.ts';

const DIRECT: DirectChargeStatus[] = ['pending', 'accepted', 'processed', 'success', 'failed', 'declined'];
const RECURRENT: RecurrentChargeStatus[] = ['pending', 'accepted', 'declined', 'active', 'past_due', 'frozen', 'cancelled'];

describe('direct charge state machine (packages)', () => {
  it('C.2: follows LiveChat forward: pending → accepted → processed → success', () => {
    let s: LocalDirectStatus = 'pending';
    for (const remote of ['accepted', 'processed', 'success'] as const) s = nextDirectStatus(s, remote);
    expect(s).toBe('success');
    expect(nextDirectStatus('pending', 'declined')).toBe('declined');
    expect(nextDirectStatus('processed', 'failed')).toBe('failed');
  });

  it('never moves backwards when an older answer arrives late', () => {
    expect(nextDirectStatus('processed', 'accepted')).toBe('processed');
    expect(nextDirectStatus('accepted', 'pending')).toBe('accepted');
  });

  it('a final status never changes; a stale-cancelled charge yields only to money actually collected', () => {
    for (const final of ['success', 'failed', 'declined'] as const) {
      for (const remote of DIRECT) expect(nextDirectStatus(final, remote)).toBe(final);
    }
    expect(nextDirectStatus('cancelled', 'accepted')).toBe('cancelled');
    expect(nextDirectStatus('cancelled', 'processed')).toBe('cancelled');
    expect(nextDirectStatus('cancelled', 'success')).toBe('success');
  });

  it('says what the app must do in each remote state', () => {
    expect(directStep('accepted')).toBe('activate');
    expect(directStep('success')).toBe('credit');
    expect(directStep('pending')).toBe('wait');
    expect(directStep('processed')).toBe('wait');
    expect(directStep('declined')).toBe('close');
    expect(directStep('failed')).toBe('close');
  });

  it('whatever order the news arrives in, the result only moves forward and ends where LiveChat ends (property)', () => {
    const RANK: Record<string, number> = { pending: 0, accepted: 1, processed: 2, success: 3, failed: 3, declined: 3, cancelled: 3 };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...DIRECT), { minLength: 1, maxLength: 20 }), (news) => {
        let s: LocalDirectStatus = 'pending';
        for (const remote of news) {
          const next = nextDirectStatus(s, remote);
          expect(RANK[next]!).toBeGreaterThanOrEqual(RANK[s]!);
          if (isDirectFinal(s)) expect(next).toBe(s);
          s = next;
        }
        // The first final status LiveChat reported is the one we keep.
        const firstFinal = news.find((n) => isDirectFinal(n));
        if (firstFinal) expect(s).toBe(firstFinal);
      }),
    );
  });
});

describe('recurrent charge state machine (plans)', () => {
  it('C.1: pending → accepted → active ⇄ past_due ⇄ frozen → cancelled', () => {
    let s: RecurrentChargeStatus = 'pending';
    for (const remote of ['accepted', 'active', 'past_due', 'active', 'frozen', 'past_due', 'cancelled'] as const) {
      s = nextRecurrentStatus(s, remote);
      expect(s).toBe(remote);
    }
  });

  it('declined and cancelled are final; a running plan never goes back to awaiting approval', () => {
    for (const remote of RECURRENT) {
      expect(nextRecurrentStatus('cancelled', remote)).toBe('cancelled');
      expect(nextRecurrentStatus('declined', remote)).toBe('declined');
    }
    expect(nextRecurrentStatus('active', 'accepted')).toBe('active');
    expect(nextRecurrentStatus('past_due', 'pending')).toBe('past_due');
  });

  it('C.1: a number can send only while its plan is active', () => {
    expect(planStatusFor('active')).toBe('active');
    expect(planStatusFor('accepted')).toBe('pending');
    for (const s of ['pending', 'past_due', 'frozen', 'cancelled', 'declined'] as const) expect(planStatusFor(s)).not.toBe('active');
  });
});

describe('what the owner is told', () => {
  it('says why nothing was credited for a declined or failed payment', () => {
    expect(outcomeOf('declined')).toEqual({ outcome: 'declined', settled: true });
    expect(outcomeMessage('direct', 'declined', 500)).toMatch(/declined.*nothing was charged/i);
    expect(outcomeMessage('direct', 'failed', 500)).toMatch(/could not collect.*nothing was charged/i);
    expect(outcomeMessage('direct', 'success', 500)).toMatch(/500 conversations were added/);
    expect(outcomeOf('processed')).toEqual({ outcome: 'processing', settled: false });
    expect(outcomeOf('pending')).toEqual({ outcome: 'awaiting_approval', settled: false });
    expect(outcomeMessage('recurrent', 'past_due', null)).toMatch(/overdue/);
  });
});
