import type { Usage, UsageQuery } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { errors } from '../../lib/errors.ts';
import * as repo from './billing.repo.ts';

/** Conversations opened per local day and per number over the last `q.days` days, in the caller's time zone. */
export async function usageOf(db: Db, organizationId: string, q: UsageQuery, now: Date): Promise<Usage> {
  const timeZone = q.tz ?? 'UTC';
  if (!isTimeZone(timeZone)) throw errors.validation([{ path: 'tz', message: 'Unknown time zone' }]);
  const today = localDate(now, timeZone);
  const dates = Array.from({ length: q.days }, (_, i) => addDays(today, i - (q.days - 1)));
  // A generous UTC lower bound; rows are bucketed by local day in SQL and filtered to `dates` below.
  const since = new Date(`${dates[0]}T00:00:00Z`);
  since.setUTCDate(since.getUTCDate() - 1);
  const rows = await repo.usageByDay(db, organizationId, since, timeZone);
  const wanted = new Set(dates);
  const perDay = new Map<string, Map<string, number>>();
  const perNumber = new Map<string, number>();
  for (const r of rows) {
    if (!wanted.has(r.day)) continue;
    const count = Number(r.count);
    const m = perDay.get(r.day) ?? new Map<string, number>();
    m.set(r.numberId, (m.get(r.numberId) ?? 0) + count);
    perDay.set(r.day, m);
    perNumber.set(r.numberId, (perNumber.get(r.numberId) ?? 0) + count);
  }
  const numberRows = await repo.numbersByIds(db, [...perNumber.keys()]);
  return {
    timeZone,
    from: dates[0]!,
    to: dates[dates.length - 1]!,
    total: [...perNumber.values()].reduce((a, b) => a + b, 0),
    days: dates.map((date) => {
      const m = perDay.get(date) ?? new Map<string, number>();
      return {
        date,
        total: [...m.values()].reduce((a, b) => a + b, 0),
        byNumber: [...m.entries()].map(([numberId, count]) => ({ numberId, count })),
      };
    }),
    numbers: numberRows
      .map((n) => ({ id: n.id, displayName: n.displayName, number: n.number, total: perNumber.get(n.id) ?? 0 }))
      .sort((a, b) => b.total - a.total),
  };
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz);
  } catch {
    return false;
  }
}

/** YYYY-MM-DD of `at` in `timeZone`. */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
