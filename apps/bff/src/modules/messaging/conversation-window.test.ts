import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conversationOpenAt, conversationToRideOn, customerWindowAt } from './conversation-window.ts';

const H24 = 24 * 3_600_000;
const at = (base: Date, h: number, m = 0, s = 0) => new Date(base.getTime() + ((h * 60 + m) * 60 + s) * 1000);
const last = new Date('2026-11-20T09:15:00.000Z');

describe('the 24-hour customer-service window', () => {
  it('is open 23:59:59 after the customer last wrote, and closes when it ends', () => {
    expect(customerWindowAt(last, at(last, 23, 59, 59), H24)).toEqual({ open: true, closesAt: at(last, 24) });
    expect(customerWindowAt(last, at(last, 24, 0, 0), H24).open).toBe(false);
  });

  it('is closed 24:00:01 after the customer last wrote', () => {
    expect(customerWindowAt(last, at(last, 24, 0, 1), H24)).toEqual({ open: false, closesAt: at(last, 24) });
  });

  it('is open the moment the customer writes, and closed when they never wrote', () => {
    expect(customerWindowAt(last, last, H24).open).toBe(true);
    expect(customerWindowAt(null, last, H24)).toEqual({ open: false, closesAt: null });
    expect(customerWindowAt(undefined, last, H24)).toEqual({ open: false, closesAt: null });
  });

  it('is open exactly for the 24 hours after the last message (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * H24 }), (offset) => {
        const w = customerWindowAt(last, new Date(last.getTime() + offset), H24);
        return w.open === offset < H24;
      }),
    );
  });
});

describe('conversation windows per category', () => {
  const opened = new Date('2026-11-20T10:00:00.000Z');
  const conv = (category: 'marketing' | 'utility' | 'authentication' | 'service', h = 0) => ({ category, expiresAt: at(opened, 24 + h) });

  it('a conversation is open until 23:59:59 and closed at 24:00:01', () => {
    expect(conversationOpenAt(at(opened, 24), at(opened, 23, 59, 59))).toBe(true);
    expect(conversationOpenAt(at(opened, 24), at(opened, 24, 0, 1))).toBe(false);
  });

  it('a template rides only on an open conversation of its own category', () => {
    const open = [conv('marketing'), conv('utility')];
    expect(conversationToRideOn(open, 'marketing', at(opened, 1))?.category).toBe('marketing');
    expect(conversationToRideOn(open, 'utility', at(opened, 1))?.category).toBe('utility');
    expect(conversationToRideOn(open, 'authentication', at(opened, 1))).toBeUndefined();
  });

  it('free text rides on an open conversation of any category, the one open longest', () => {
    const open = [conv('utility', 0), conv('marketing', 3)];
    expect(conversationToRideOn(open, 'service', at(opened, 1))?.category).toBe('marketing');
    expect(conversationToRideOn([], 'service', at(opened, 1))).toBeUndefined();
  });

  it('an expired conversation carries nothing: the next send opens a new one', () => {
    const open = [conv('utility')];
    expect(conversationToRideOn(open, 'utility', at(opened, 23, 59, 59))).toBeDefined();
    expect(conversationToRideOn(open, 'utility', at(opened, 24, 0, 1))).toBeUndefined();
    expect(conversationToRideOn(open, 'service', at(opened, 24, 0, 1))).toBeUndefined();
  });
});
