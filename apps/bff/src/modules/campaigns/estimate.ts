import { HORIZON_DAYS, type QuietHours } from './quiet-hours.ts';

export interface GroupCount {
  /** Quiet-hours group, or null when quiet hours do not apply. */
  key: string | null;
  count: number;
}

const STEP_MS = 60_000;

/**
 * When the last recipient would be handed over: minute by minute, the pace is shared by the groups whose
 * allowed hours are open (file order within the open ones, as the dispatcher claims); when every remaining
 * group is closed, time jumps to the next window. Null when some group has no window within the horizon.
 */
export function estimateFinish(groups: GroupCount[], startMs: number, ratePerSecond: number, quietHours: QuietHours | null): number | null {
  const remaining = groups.filter((g) => g.count > 0).map((g) => ({ ...g }));
  if (!remaining.length) return startMs;
  const perStep = ratePerSecond * (STEP_MS / 1000);
  const horizon = startMs + HORIZON_DAYS * 86_400_000;
  let t = startMs;
  while (t < horizon) {
    const open = remaining.filter((g) => g.count > 0 && (g.key === null || !quietHours || quietHours.isAllowed(g.key, t)));
    if (!open.length) {
      let next = Infinity;
      for (const g of remaining) {
        if (g.count <= 0 || g.key === null || !quietHours) continue;
        const n = quietHours.nextAllowed(g.key, t);
        if (n !== null) next = Math.min(next, n);
      }
      if (!Number.isFinite(next)) return null;
      t = Math.max(next, t + 1);
      continue;
    }
    // Within the step, a group closing early hands its share to the others; keep it simple and exact enough:
    // each open group can use the step up to the end of its window.
    let capacity = perStep;
    let usedMs = 0;
    for (const g of open) {
      if (capacity <= 0) break;
      const windowEnd = g.key === null || !quietHours ? Infinity : quietHours.allowedUntil(g.key, t);
      const groupCapacity = Math.min(capacity, ratePerSecond * (Math.min(STEP_MS, windowEnd - t) / 1000));
      const take = Math.min(g.count, groupCapacity);
      g.count -= take;
      capacity -= take;
      usedMs = Math.max(usedMs, ((perStep - capacity) / perStep) * STEP_MS);
    }
    if (remaining.every((g) => g.count <= 1e-9)) return Math.round(t + usedMs);
    t += STEP_MS;
  }
  return null;
}
