import {
  describeRecipientReason,
  encodeCursor,
  type Campaign,
  type CampaignRecipient,
  type CampaignSummary,
  type CheckReport,
  type RecipientsQuery,
} from '@wa/contracts';
import { toCsv, toCsvRows } from '@wa/contracts/csv';
import type { OrganizationRow } from '../../db/rows.ts';
import { getCampaign, paceOf, planRate, type CampaignContext } from './campaign-context.ts';
import * as repo from './campaigns.repo.ts';
import { estimateFinish } from './estimate.ts';

// Reading campaigns: the list, one campaign's progress, its recipients, and the CSV reports.

export async function list(ctx: CampaignContext, org: OrganizationRow): Promise<CampaignSummary[]> {
  const rows = await repo.listCampaigns(ctx.db, org.id);
  const out: CampaignSummary[] = [];
  for (const c of rows) {
    const [counts, numberRow] = await Promise.all([
      repo.countByOwnStatus(ctx.db, c.id),
      ctx.numbers.get(org.id, c.numberId).catch(() => null),
    ]);
    out.push({
      id: c.id,
      name: c.name,
      status: c.status,
      number: numberRow?.number ?? '+10000000000',
      templateName: c.templateName,
      category: c.category,
      counts: { total: Object.values(counts).reduce((a, b) => a + b, 0), ...counts },
      createdAt: c.createdAt.toISOString(),
      launchedAt: c.launchedAt?.toISOString() ?? null,
      finishedAt: c.finishedAt?.toISOString() ?? null,
      scheduledAt: c.scheduledAt?.toISOString() ?? null,
    });
  }
  return out;
}

export async function detail(ctx: CampaignContext, organizationId: string, id: string): Promise<Campaign> {
  const c = await getCampaign(ctx, organizationId, id);
  const now = ctx.now();
  const [counts, number, recent, failed] = await Promise.all([
    repo.countByStatus(ctx.db, c.id),
    ctx.numbers.get(organizationId, c.numberId),
    repo.dispatchedSince(ctx.db, c.id, new Date(now.getTime() - 60_000)),
    repo.failedByCode(ctx.db, c.id),
  ]);
  const active = c.status === 'running' || c.status === 'scheduled' || c.status === 'paused';
  let finish: number | null = null;
  let waiting = 0;
  if (active && counts.pending + counts.sending > 0) {
    const groups = await repo.pendingByGroup(ctx.db, c.id);
    const startMs = Math.max(now.getTime(), c.scheduledAt?.getTime() ?? 0);
    if (c.quietHours) for (const g of groups) if (g.key && !ctx.quietHours.isAllowed(g.key, now.getTime())) waiting += g.count;
    if (c.status !== 'paused')
      finish = estimateFinish(
        groups,
        startMs,
        paceOf(ctx, c.ratePerSecond, await planRate(ctx, c.numberId)),
        c.quietHours ? ctx.quietHours : null,
      );
  }
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    numberId: c.numberId,
    number: number.number,
    templateName: c.templateName,
    language: c.language,
    category: c.category,
    variableCount: c.variableCount,
    mapping: c.mapping,
    quietHours: c.quietHours,
    ratePerSecond: c.ratePerSecond,
    sendLimit: c.sendLimit,
    pausedReason: c.pausedReason,
    reserved: c.reservedHeld,
    counts: { total: Object.values(counts).reduce((a, b) => a + b, 0), ...counts },
    retryable:
      c.status === 'cancelled' || c.status === 'draft'
        ? 0
        : failed.reduce((n, f) => n + (describeRecipientReason(f.code).retryable ? f.count : 0), 0),
    ratePerSecondNow: Math.round((recent / 60) * 10) / 10,
    estimatedFinishAt: finish === null ? null : new Date(finish).toISOString(),
    waitingForQuietHours: waiting,
    report: c.report as CheckReport,
    createdAt: c.createdAt.toISOString(),
    scheduledAt: c.scheduledAt?.toISOString() ?? null,
    launchedAt: c.launchedAt?.toISOString() ?? null,
    finishedAt: c.finishedAt?.toISOString() ?? null,
  };
}

export async function recipients(
  ctx: CampaignContext,
  org: OrganizationRow,
  id: string,
  q: RecipientsQuery,
): Promise<{ recipients: CampaignRecipient[]; total: number; nextCursor: string | null }> {
  const c = await getCampaign(ctx, org.id, id);
  const digits = q.q?.replace(/\D/g, '') || undefined;
  const page = await repo.recipientsPage(ctx.db, c.id, {
    status: q.status,
    digits,
    limit: q.limit,
    offset: q.offset,
    afterSeq: q.cursor?.[0],
  });
  const last = page.rows[page.rows.length - 1];
  return { recipients: page.rows.map(toRecipientDto), total: page.total, nextCursor: page.more && last ? encodeCursor([last.seq]) : null };
}

/** The per-recipient report as CSV pages (metadata only: no variable values). */
export async function* reportCsv(ctx: CampaignContext, org: OrganizationRow, id: string): AsyncGenerator<string> {
  const c = await getCampaign(ctx, org.id, id);
  yield toCsvRows([['line', 'phone', 'status', 'reason', 'attempts', 'message_id', 'dispatched_at']]);
  let after = 0;
  for (;;) {
    const rows = await repo.recipientsAfter(ctx.db, c.id, after, 5_000);
    if (!rows.length) return;
    after = rows[rows.length - 1]!.seq;
    const dto = rows.map(toRecipientDto);
    yield toCsvRows(dto.map((r) => [r.line, r.recipient, r.status, r.reason ?? '', r.attempts, r.messageId ?? '', r.dispatchedAt ?? '']));
  }
}

export async function rejectedCsv(ctx: CampaignContext, org: OrganizationRow, id: string): Promise<string> {
  const c = await getCampaign(ctx, org.id, id);
  const rows = await repo.rejections(ctx.db, c.id);
  return toCsv(
    ['line', 'phone', 'problem', 'reason'],
    rows.map((r) => [r.line, r.phone, r.kind, r.reason]),
  );
}

export function toRecipientDto(r: repo.RecipientView): CampaignRecipient {
  const showReason = r.status === 'failed' || r.status === 'skipped' || r.status === 'cancelled';
  const info = showReason ? describeRecipientReason(r.code) : null;
  return {
    id: r.id,
    line: r.line,
    recipient: r.recipient,
    status: r.status,
    reasonCode: showReason ? r.code : null,
    reason: info?.message ?? null,
    retryable: r.status === 'failed' && !!info?.retryable,
    attempts: r.attempts,
    messageId: r.messageId,
    dispatchedAt: r.dispatchedAt?.toISOString() ?? null,
    updatedAt: r.updatedAt?.toISOString() ?? null,
  };
}
