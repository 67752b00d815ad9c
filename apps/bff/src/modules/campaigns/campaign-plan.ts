import type { CampaignPlan, PlanQuery, QuietHoursGroup } from '@wa/contracts';
import type { OrganizationRow } from '../../db/rows.ts';
import { costOf, getCampaign, OPEN_MARGIN_MS, paceOf, planRate, stateError, type CampaignContext } from './campaign-context.ts';
import * as repo from './campaigns.repo.ts';
import { estimateFinish, type GroupCount } from './estimate.ts';
import { openConversationsAmong } from '../messaging/messaging.service.ts';

// Step 5 of a campaign: what a launch would need and when it would end.

async function groupsOf(
  ctx: CampaignContext,
  c: repo.CampaignRow,
  pending: { policyKey: string | null }[],
  startMs: number,
): Promise<QuietHoursGroup[]> {
  if (!c.quietHours) return [];
  const counts = new Map<string, number>();
  for (const r of pending) if (r.policyKey) counts.set(r.policyKey, (counts.get(r.policyKey) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, recipients]) => {
      const next = ctx.quietHours.nextAllowed(key, startMs);
      return {
        key,
        ...ctx.quietHours.describe(key),
        recipients,
        allowedNow: ctx.quietHours.isAllowed(key, startMs),
        nextWindowAt: next === null ? null : new Date(next).toISOString(),
      };
    });
}

/**
 * What a launch with these options would need: recipients kept, conversations to open (a window counts as
 * free only if it outlasts the estimated end), the largest "first N" the balance covers, and the end time.
 */
export async function planFor(
  ctx: CampaignContext,
  org: OrganizationRow,
  c: repo.CampaignRow,
  options: { scheduledAt: Date | null; sendLimit: number | null; ratePerSecond: number | null },
) {
  const now = ctx.now();
  const startMs = Math.max(now.getTime(), options.scheduledAt?.getTime() ?? 0);
  const all = await repo.pendingRecipients(ctx.db, c.id);
  const kept = options.sendLimit ? all.filter((r) => r.seq <= options.sendLimit!) : all;
  const pace = paceOf(ctx, options.ratePerSecond, await planRate(ctx, c.numberId));
  const groupCounts = new Map<string | null, number>();
  for (const r of kept) groupCounts.set(c.quietHours ? r.policyKey : null, (groupCounts.get(c.quietHours ? r.policyKey : null) ?? 0) + 1);
  const groups: GroupCount[] = [...groupCounts.entries()].map(([key, count]) => ({ key, count }));
  const finish = estimateFinish(groups, startMs, pace, c.quietHours ? ctx.quietHours : null);
  const until = new Date((finish ?? startMs + 14 * 86_400_000) + OPEN_MARGIN_MS);
  const open = await openConversationsAmong(
    ctx.db,
    c.numberId,
    c.category,
    all.map((r) => r.recipient),
    until,
  );
  const cost = costOf(ctx, c.category);
  const balance = await ctx.balanceOf(org.id);
  let needed = 0;
  let affordable = 0;
  let running = 0;
  let fits = true;
  for (const r of all) {
    const needs = cost && !open.has(r.recipient) ? 1 : 0;
    if (options.sendLimit === null || r.seq <= options.sendLimit) needed += needs;
    if (fits && running + needs <= balance.remaining) {
      running += needs;
      affordable++;
    } else fits = false;
  }
  return {
    kept,
    needed,
    open,
    balance,
    pace,
    startMs,
    finish,
    affordable: Math.min(affordable, all.length),
    groups: await groupsOf(ctx, c, kept, startMs),
  };
}

export async function plan(ctx: CampaignContext, org: OrganizationRow, id: string, q: PlanQuery): Promise<CampaignPlan> {
  const c = await getCampaign(ctx, org.id, id);
  if (c.status !== 'draft') throw stateError('The plan is for a draft; this campaign was launched already.');
  const p = await planFor(ctx, org, c, {
    scheduledAt: q.scheduledAt ? new Date(q.scheduledAt) : null,
    sendLimit: q.sendLimit ?? null,
    ratePerSecond: q.ratePerSecond ?? null,
  });
  return {
    recipients: p.kept.length,
    needed: p.needed,
    alreadyOpen: p.kept.filter((r) => p.open.has(r.recipient)).length,
    balance: p.balance,
    missing: Math.max(0, p.needed - p.balance.remaining),
    affordable: p.affordable,
    ratePerSecond: p.pace,
    startAt: new Date(p.startMs).toISOString(),
    estimatedFinishAt: p.finish === null ? null : new Date(p.finish).toISOString(),
    quietHours: c.quietHours,
    groups: p.groups,
  };
}
