import { describe, expect, it } from 'vitest';
import { formatCountdown, formatRemaining } from './format-countdown.ts';

describe('countdown formatting', () => {
  it('shows hours, minutes and seconds, at the 24-hour boundaries too', () => {
    expect(formatCountdown(24 * 3_600_000)).toBe('24:00:00');
    expect(formatCountdown(24 * 3_600_000 - 1000)).toBe('23:59:59');
    expect(formatCountdown(61_000)).toBe('0:01:01');
    expect(formatCountdown(999)).toBe('0:00:00');
    expect(formatCountdown(-5000)).toBe('0:00:00');
  });

  it('says the same in words', () => {
    expect(formatRemaining((23 * 60 + 41) * 60_000 + 7000)).toBe('23 h 41 min');
    expect(formatRemaining(12 * 60_000 + 5000)).toBe('12 min');
    expect(formatRemaining(40_000)).toBe('40 s');
  });
});
