import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUIET_HOURS_POLICY,
  QuietHours,
  QuietHoursJsonSchema,
  zoneIntervals,
  zonesOfCountry,
  type QuietHoursPolicy,
} from './quiet-hours.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const qh = new QuietHours(DEFAULT_QUIET_HOURS_POLICY);

describe('quiet hours (D.5)', () => {
  it('D.5: Poland follows the default 08:00–21:00 in Europe/Warsaw, winter and summer time alike', () => {
    const key = qh.keyFor('+48601234567', 'PL');
    expect(key).toBe('default|cc:PL');
    // Winter (CET, UTC+1): 08:00 local = 07:00Z.
    expect(qh.isAllowed(key, at('2026-01-14T06:59:00Z'))).toBe(false);
    expect(qh.isAllowed(key, at('2026-01-14T07:00:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-01-14T19:59:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-01-14T20:00:00Z'))).toBe(false);
    // Summer (CEST, UTC+2): 08:00 local = 06:00Z, 21:00 local = 19:00Z.
    expect(qh.isAllowed(key, at('2026-07-14T06:00:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-07-14T19:00:00Z'))).toBe(false);
    // At night the recipient waits for the next morning.
    expect(iso(qh.nextAllowed(key, at('2026-07-14T22:30:00Z')))).toBe('2026-07-15T06:00:00.000Z');
  });

  it('D.5: across the spring-forward night the next window opens at 08:00 of the new offset (Europe/Warsaw, 29 March 2026)', () => {
    const key = qh.keyFor('+48601234567', 'PL');
    // 28 March is still CET (UTC+1): the window closes at 21:00 = 20:00Z.
    expect(qh.isAllowed(key, at('2026-03-28T19:59:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-03-28T20:00:00Z'))).toBe(false);
    // Clocks jump 02:00 → 03:00 on the 29th; 08:00 CEST = 06:00Z, not 07:00Z.
    expect(iso(qh.nextAllowed(key, at('2026-03-28T20:00:00Z')))).toBe('2026-03-29T06:00:00.000Z');
  });

  it('D.5: across the fall-back night (America/New_York, 1 November 2026) the window follows EST', () => {
    const custom = new QuietHours({
      default: DEFAULT_QUIET_HOURS_POLICY.default,
      rules: [
        {
          id: 'ny',
          label: 'New York',
          country: 'US',
          zones: ['America/New_York'],
          windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '08:00', to: '21:00' }],
        },
      ],
    });
    const key = custom.keyFor('+12125550100', 'US');
    // Saturday 31 October: EDT (UTC−4), 21:00 = 01:00Z on 1 November.
    expect(custom.isAllowed(key, at('2026-11-01T00:59:00Z'))).toBe(true);
    expect(custom.isAllowed(key, at('2026-11-01T01:00:00Z'))).toBe(false);
    // Sunday 1 November: EST (UTC−5), 08:00 = 13:00Z.
    expect(iso(custom.nextAllowed(key, at('2026-11-01T01:00:00Z')))).toBe('2026-11-01T13:00:00.000Z');
  });

  it('a window starting inside a DST gap starts when the local clock exists again', () => {
    // 02:30 does not exist in Warsaw on 29 March 2026 (02:00 → 03:00 CEST = 01:00Z).
    const iv = zoneIntervals(
      'Europe/Warsaw',
      [{ days: ['sun'], from: '02:30', to: '05:00' }],
      at('2026-03-29T00:00:00Z'),
      at('2026-03-30T00:00:00Z'),
    );
    expect(iv).toHaveLength(1);
    expect(iso(iv[0]![0])).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(iv[0]![1])).toBe('2026-03-29T03:00:00.000Z');
  });

  it('D.5: France allows Monday–Friday 10:00–13:00 and 14:00–20:00 and never weekends', () => {
    const key = qh.keyFor('+33612345678', 'FR');
    expect(key).toBe('fr|cc:FR');
    // Wednesday 13 May 2026, CEST (UTC+2).
    expect(qh.isAllowed(key, at('2026-05-13T08:00:00Z'))).toBe(true); // 10:00
    expect(qh.isAllowed(key, at('2026-05-13T11:30:00Z'))).toBe(false); // 13:30 lunch
    expect(iso(qh.nextAllowed(key, at('2026-05-13T11:30:00Z')))).toBe('2026-05-13T12:00:00.000Z'); // 14:00
    // Friday 20:00 → Monday 10:00.
    expect(iso(qh.nextAllowed(key, at('2026-05-15T18:00:00Z')))).toBe('2026-05-18T08:00:00.000Z');
    // Saturday noon: not allowed.
    expect(qh.isAllowed(key, at('2026-05-16T10:00:00Z'))).toBe(false);
    expect(qh.describe(key).hours).toBe('Mon–Fri 10:00–13:00, 14:00–20:00');
  });

  it('D.5: India 09:00–21:00 in Asia/Kolkata (UTC+5:30, no DST)', () => {
    const key = qh.keyFor('+919812345678', 'IN');
    expect(qh.isAllowed(key, at('2026-06-01T03:29:00Z'))).toBe(false);
    expect(qh.isAllowed(key, at('2026-06-01T03:30:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-06-01T15:29:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-06-01T15:30:00Z'))).toBe(false);
  });

  it('D.5: a US number without a known zone is allowed only when it is 08:00–21:00 in every US zone (Hawaii to New York)', () => {
    const key = qh.keyFor('+12125550100', 'US');
    expect(key).toBe('us|cc:US');
    expect(zonesOfCountry('US')).toEqual(expect.arrayContaining(['America/New_York', 'Pacific/Honolulu', 'America/Adak']));
    // June: New York EDT (−4), Adak HDT (−9), Honolulu HST (−10). Honolulu 08:00 = 18:00Z; New York 21:00 = 01:00Z.
    expect(qh.isAllowed(key, at('2026-06-15T17:59:00Z'))).toBe(false);
    expect(qh.isAllowed(key, at('2026-06-15T18:00:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-06-16T00:59:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-06-16T01:00:00Z'))).toBe(false);
    // January: New York EST (−5) closes at 02:00Z.
    expect(qh.isAllowed(key, at('2026-01-15T01:30:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-01-15T02:00:00Z'))).toBe(false);
  });

  it('D.5: Florida numbers (by area code) stop at 20:00 local in both Florida zones', () => {
    const key = qh.keyFor('+13055550123', 'US');
    expect(key).toBe('us-fl|rule');
    // June: Miami EDT, Pensacola CDT. 20:00 EDT = 00:00Z; 08:00 CDT = 13:00Z.
    expect(qh.isAllowed(key, at('2026-06-15T12:59:00Z'))).toBe(false);
    expect(qh.isAllowed(key, at('2026-06-15T13:00:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-06-15T23:59:00Z'))).toBe(true);
    expect(qh.isAllowed(key, at('2026-06-16T00:00:00Z'))).toBe(false);
  });

  it("the contact's own time zone wins over the number's country", () => {
    const key = qh.keyFor('+48601234567', 'PL', 'Asia/Tokyo');
    expect(key).toBe('default|tz:Asia/Tokyo');
    // 09:00 in Tokyo = 00:00Z, night in Warsaw.
    expect(qh.isAllowed(key, at('2026-06-15T00:00:00Z'))).toBe(true);
    expect(qh.isAllowed(qh.keyFor('+48601234567', 'PL'), at('2026-06-15T00:00:00Z'))).toBe(false);
  });

  it('nextAllowed is allowed, never earlier than asked, and nothing in between is allowed (property, many zones)', () => {
    const keys = [
      'default|cc:PL',
      'fr|cc:FR',
      'us|cc:US',
      'us-fl|rule',
      'in|cc:IN',
      'default|cc:AU',
      'default|cc:BR',
      'default|tz:Asia/Kathmandu',
      'default|cc:RU',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2028-12-31T00:00:00Z') }), (key, t) => {
        const next = qh.nextAllowed(key, t);
        expect(next).not.toBeNull();
        expect(next!).toBeGreaterThanOrEqual(t);
        expect(qh.isAllowed(key, next!)).toBe(true);
        // Sample the gap: none of it is allowed.
        for (let probe = t; probe < next!; probe += Math.max(60_000, Math.floor((next! - t) / 20))) {
          expect(qh.isAllowed(key, probe)).toBe(false);
        }
      }),
      { numRuns: 120 },
    );
  }, 180_000);

  it('the policy is configuration: JSON replaces the defaults, and a bad table is refused naming the field', () => {
    const custom: QuietHoursPolicy = { default: { windows: [{ days: ['mon'], from: '09:00', to: '10:00' }] }, rules: [] };
    expect(QuietHoursJsonSchema.parse(JSON.stringify(custom))).toEqual(custom);
    expect(QuietHoursJsonSchema.parse(undefined)).toBe(DEFAULT_QUIET_HOURS_POLICY);
    const bad = QuietHoursJsonSchema.safeParse(
      JSON.stringify({
        default: { windows: [{ days: ['mon'], from: '10:00', to: '09:00' }] },
        rules: [{ id: 'x', label: 'X', country: 'PL', zones: ['Mars/Olympus'], windows: [] }],
      }),
    );
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join('\n');
    expect(messages).toMatch(/from must be before to/);
    expect(messages).toMatch(/unknown IANA time zone/);
  });
});
