import { DateTime } from 'luxon';
import { z } from 'zod';
import { jsonEnv } from '../../lib/json-env.ts';

/**
 * Quiet hours for marketing campaigns (terms D.5: "the obligations on specific days and times for sending").
 * Telemarketing laws are written for calls and SMS; applying them to WhatsApp marketing is a conservative
 * policy, so the table is configuration (QUIET_HOURS_POLICY_JSON) with the defaults of platform-facts.md.
 *
 * A recipient's local time comes from the contact's own time zone when the file gives one, else from the
 * number: libphonenumber-js gives the country, not the zone, so a country with several zones is treated as
 * all of them at once: sending is allowed only when it is allowed in every zone of the country (the most
 * restrictive zone decides at each moment).
 */

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
const DAY_LABEL: Record<Day, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

const TimeSchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'HH:MM, 00:00 to 24:00');
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const isZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const WindowSchema = z
  .object({ days: z.array(z.enum(DAYS)).min(1), from: TimeSchema, to: TimeSchema })
  .refine((w) => minutesOf(w.from) < minutesOf(w.to), 'from must be before to');

const RuleSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  label: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/),
  /** E.164 prefixes narrowing the rule inside its country (US states by area code, e.g. "+1305"). */
  prefixes: z.array(z.string().regex(/^\+\d{1,8}$/)).optional(),
  /** IANA zones to use instead of all the country's zones. */
  zones: z.array(z.string().refine(isZone, 'unknown IANA time zone')).min(1).optional(),
  /** Allowed local hours; an empty list means never. */
  windows: z.array(WindowSchema),
});

export const QuietHoursPolicySchema = z.object({
  default: z.object({ windows: z.array(WindowSchema).min(1) }),
  rules: z.array(RuleSchema),
});
export type QuietHoursPolicy = z.infer<typeof QuietHoursPolicySchema>;
type Window = z.infer<typeof WindowSchema>;
type Rule = z.infer<typeof RuleSchema>;

const EVERY_DAY: Day[] = [...DAYS];
const WEEKDAYS: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** Florida area codes (North American Numbering Plan), for the US rule's Florida exception. */
const FLORIDA_AREA_CODES = [
  '239',
  '305',
  '321',
  '324',
  '352',
  '386',
  '407',
  '448',
  '561',
  '645',
  '656',
  '689',
  '727',
  '728',
  '754',
  '772',
  '786',
  '813',
  '850',
  '863',
  '904',
  '941',
  '954',
];

/** The defaults of ../shared/docs/platform-facts.md, "Quiet hours". */
export const DEFAULT_QUIET_HOURS_POLICY: QuietHoursPolicy = {
  default: { windows: [{ days: EVERY_DAY, from: '08:00', to: '21:00' }] },
  rules: [
    {
      id: 'us-fl',
      label: 'United States, Florida',
      country: 'US',
      prefixes: FLORIDA_AREA_CODES.map((c) => `+1${c}`),
      zones: ['America/New_York', 'America/Chicago'],
      windows: [{ days: EVERY_DAY, from: '08:00', to: '20:00' }],
    },
    { id: 'us', label: 'United States', country: 'US', windows: [{ days: EVERY_DAY, from: '08:00', to: '21:00' }] },
    { id: 'in', label: 'India', country: 'IN', windows: [{ days: EVERY_DAY, from: '09:00', to: '21:00' }] },
    {
      id: 'fr',
      label: 'France',
      country: 'FR',
      windows: [
        { days: WEEKDAYS, from: '10:00', to: '13:00' },
        { days: WEEKDAYS, from: '14:00', to: '20:00' },
      ],
    },
  ],
};

/** Env parser: JSON of the policy table, or the defaults when unset. */
export const QuietHoursJsonSchema = jsonEnv(QuietHoursPolicySchema, DEFAULT_QUIET_HOURS_POLICY);

/** The IANA zones of a country (ICU's data through Intl.Locale), or [] when ICU knows none. */
export function zonesOfCountry(country: string): string[] {
  try {
    const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & { timeZones?: string[]; getTimeZones?: () => string[] };
    return (locale.getTimeZones?.() ?? locale.timeZones ?? []).filter(isZone);
  } catch {
    return [];
  }
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const countryName = (cc: string) => {
  try {
    return regionNames.of(cc) ?? cc;
  } catch {
    return cc;
  }
};

const DAY_MS = 86_400_000;
/** How far ahead a window is looked for; beyond it a group counts as "never allowed". */
export const HORIZON_DAYS = 14;

export type Interval = readonly [start: number, end: number];

function formatDays(days: readonly Day[]): string {
  const idx = [...new Set(days)].map((d) => DAYS.indexOf(d)).sort((a, b) => a - b);
  if (idx.length === 7) return 'Every day';
  const contiguous = idx.every((v, i) => i === 0 || v === idx[i - 1]! + 1);
  if (contiguous && idx.length > 2) return `${DAY_LABEL[DAYS[idx[0]!]!]}–${DAY_LABEL[DAYS[idx[idx.length - 1]!]!]}`;
  return idx.map((i) => DAY_LABEL[DAYS[i]!]).join(', ');
}

/** "Mon–Fri 10:00–13:00, 14:00–20:00"; "Never" for an empty list. */
export function describeWindows(windows: readonly Window[]): string {
  if (!windows.length) return 'Never';
  const byDays = new Map<string, Window[]>();
  for (const w of windows) {
    const k = formatDays(w.days);
    byDays.set(k, [...(byDays.get(k) ?? []), w]);
  }
  return [...byDays.entries()].map(([days, ws]) => `${days} ${ws.map((w) => `${w.from}–${w.to}`).join(', ')}`).join('; ');
}

function unionSorted(list: Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]![0], b[j]![0]);
    const e = Math.min(a[i]![1], b[j]![1]);
    if (s < e) out.push([s, e]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

/** Allowed UTC intervals of one zone between two instants, DST included (luxon moves a time in a DST gap forward). */
export function zoneIntervals(zone: string, windows: readonly Window[], fromMs: number, toMs: number): Interval[] {
  const out: Interval[] = [];
  let day = DateTime.fromMillis(fromMs, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(toMs, { zone }).startOf('day').plus({ days: 1 });
  while (day <= last) {
    const weekday = DAYS[day.weekday - 1]!;
    for (const w of windows) {
      if (!w.days.includes(weekday)) continue;
      const at = (hhmm: string) => {
        const m = minutesOf(hhmm);
        if (m === 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
        return DateTime.fromObject(
          { year: day.year, month: day.month, day: day.day, hour: Math.floor(m / 60), minute: m % 60 },
          { zone },
        ).toMillis();
      };
      const s = at(w.from);
      const e = at(w.to);
      if (e > s && e > fromMs && s < toMs) out.push([Math.max(s, fromMs), Math.min(e, toMs)]);
    }
    day = day.plus({ days: 1 });
  }
  return unionSorted(out);
}

interface Group {
  rule: Rule | null;
  zones: string[];
  label: string;
  windows: Window[];
}

/**
 * Answers "may this recipient get a marketing message at instant t, and if not, when next?". Recipients are
 * grouped by a key (rule + zone source) computed once at check time and stored with the recipient, so the
 * dispatcher never re-parses phone numbers.
 */
export class QuietHours {
  private readonly prefixRules: Rule[];
  private readonly countryRules = new Map<string, Rule>();
  private readonly cache = new Map<string, { from: number; to: number; intervals: Interval[] }>();
  /** Countries no prefix rule names: their key depends on the country alone (computed once per check of 100,000 rows). */
  private readonly prefixCountries: Set<string>;
  private readonly byCountry = new Map<string, string>();

  constructor(readonly policy: QuietHoursPolicy) {
    this.prefixRules = policy.rules.filter((r) => r.prefixes?.length);
    this.prefixCountries = new Set(this.prefixRules.map((r) => r.country));
    for (const r of policy.rules) if (!r.prefixes?.length && !this.countryRules.has(r.country)) this.countryRules.set(r.country, r);
  }

  /** `<rule id>|<zone source>`: zone source is `tz:<IANA>` (the contact's), `cc:<country>` or `rule`. */
  keyFor(e164: string, country: string | undefined, contactZone?: string | null): string {
    if (!contactZone && country && !this.prefixCountries.has(country)) {
      let key = this.byCountry.get(country);
      if (key === undefined) this.byCountry.set(country, (key = this.keyByRules(e164, country, null)));
      return key;
    }
    return this.keyByRules(e164, country, contactZone);
  }

  private keyByRules(e164: string, country: string | undefined, contactZone?: string | null): string {
    let rule: Rule | undefined;
    for (const r of this.prefixRules) {
      if ((!country || r.country === country) && r.prefixes!.some((p) => e164.startsWith(p))) {
        rule = r;
        break;
      }
    }
    rule ??= country ? this.countryRules.get(country) : undefined;
    const ruleId = rule?.id ?? 'default';
    if (contactZone) return `${ruleId}|tz:${contactZone}`;
    if (rule?.zones) return `${ruleId}|rule`;
    return `${ruleId}|cc:${country ?? '??'}`;
  }

  private group(key: string): Group {
    const sep = key.indexOf('|');
    const ruleId = key.slice(0, sep);
    const source = key.slice(sep + 1);
    const rule = this.policy.rules.find((r) => r.id === ruleId) ?? null;
    const windows = rule?.windows ?? this.policy.default.windows;
    if (source.startsWith('tz:')) {
      const zone = source.slice(3);
      return { rule, zones: isZone(zone) ? [zone] : ['UTC'], windows, label: `${rule?.label ?? 'Contact'} (contact's zone ${zone})` };
    }
    if (source === 'rule' && rule?.zones) return { rule, zones: rule.zones, windows, label: `${rule.label} (${rule.zones.join(', ')})` };
    const cc = source.startsWith('cc:') ? source.slice(3) : '??';
    const zones = cc === '??' ? [] : zonesOfCountry(cc);
    const name = rule?.label ?? (cc === '??' ? 'Unknown country' : countryName(cc));
    if (!zones.length) return { rule, zones: ['UTC'], windows, label: `${name} (time zone unknown, UTC used)` };
    return {
      rule,
      zones,
      windows,
      label: zones.length === 1 ? `${name} (${zones[0]})` : `${name} (${zones.length} time zones; the strictest applies)`,
    };
  }

  describe(key: string): { label: string; hours: string } {
    const g = this.group(key);
    return { label: g.label, hours: describeWindows(g.windows) };
  }

  /** Allowed UTC intervals of a group from `fromMs` for HORIZON_DAYS, cached. */
  intervals(key: string, fromMs: number): Interval[] {
    const hit = this.cache.get(key);
    if (hit && fromMs >= hit.from && fromMs + HORIZON_DAYS * DAY_MS <= hit.to) return hit.intervals;
    const from = fromMs - DAY_MS;
    const to = fromMs + (HORIZON_DAYS + 7) * DAY_MS;
    const g = this.group(key);
    let result: Interval[] | null = null;
    for (const zone of g.zones) {
      const zi = zoneIntervals(zone, g.windows, from, to);
      result = result === null ? zi : intersect(result, zi);
      if (!result.length) break;
    }
    const intervals = result ?? [];
    this.cache.set(key, { from, to, intervals });
    return intervals;
  }

  isAllowed(key: string, t: number): boolean {
    return this.intervals(key, t).some(([s, e]) => s <= t && t < e);
  }

  /** `t` when allowed, else the start of the next allowed interval, or null when none within the horizon. */
  nextAllowed(key: string, t: number): number | null {
    for (const [s, e] of this.intervals(key, t)) {
      if (e <= t) continue;
      if (s > t + HORIZON_DAYS * DAY_MS) return null;
      return Math.max(s, t);
    }
    return null;
  }

  /** End of the allowed interval containing t (t must be allowed). */
  allowedUntil(key: string, t: number): number {
    const hit = this.intervals(key, t).find(([s, e]) => s <= t && t < e);
    return hit ? hit[1] : t;
  }

  view(): { rules: { id: string; label: string; hours: string }[]; defaultHours: string } {
    return {
      rules: this.policy.rules.map((r) => ({
        id: r.id,
        label: r.prefixes?.length
          ? `${r.label} (numbers starting ${r.prefixes.slice(0, 3).join(', ')}${r.prefixes.length > 3 ? ', …' : ''})`
          : r.label,
        hours: describeWindows(r.windows),
      })),
      defaultHours: describeWindows(this.policy.default.windows),
    };
  }
}
