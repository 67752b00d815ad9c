import { describe, expect, it } from 'vitest';
import type { RecipientCounts } from '@wa/contracts';
import { isLive, RECEIPTS_FOLLOW_MS } from './campaigns.ts';

const zero: RecipientCounts = {
  total: 2,
  pending: 0,
  sending: 0,
  confirming: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  failed: 0,
  skipped: 0,
  cancelled: 0,
};
const at = Date.parse('2026-11-25T12:00:00Z');
const finishedAt = new Date(at).toISOString();

describe('isLive (when the campaign view keeps polling)', () => {
  it('polls while running or scheduled', () => {
    expect(isLive({ status: 'running', counts: zero, finishedAt: null }, at)).toBe(true);
    expect(isLive({ status: 'scheduled', counts: zero, finishedAt: null }, at)).toBe(true);
  });

  it('keeps following receipts after the end while a message is only delivered, not yet read', () => {
    const counts = { ...zero, delivered: 1, read: 1 };
    expect(isLive({ status: 'completed', counts, finishedAt }, at + 5_000)).toBe(true);
    expect(isLive({ status: 'completed', counts: { ...zero, sent: 1, read: 1 }, finishedAt }, at + 5_000)).toBe(true);
  });

  it('stops when every message is final, or when receipts stop coming long after the end', () => {
    expect(isLive({ status: 'completed', counts: { ...zero, read: 2 }, finishedAt }, at + 5_000)).toBe(false);
    expect(isLive({ status: 'completed', counts: { ...zero, delivered: 2 }, finishedAt }, at + RECEIPTS_FOLLOW_MS + 1)).toBe(false);
    expect(isLive({ status: 'cancelled', counts: { ...zero, read: 1, cancelled: 1 }, finishedAt }, at)).toBe(false);
    expect(isLive({ status: 'cancelled', counts: { ...zero, sent: 1, cancelled: 1 }, finishedAt }, at + 5_000)).toBe(true);
  });

  it('a paused campaign polls only while messages are in flight', () => {
    expect(isLive({ status: 'paused', counts: { ...zero, sending: 1 }, finishedAt: null }, at)).toBe(true);
    expect(isLive({ status: 'paused', counts: zero, finishedAt: null }, at)).toBe(false);
  });
});
