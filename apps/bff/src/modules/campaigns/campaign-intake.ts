import type { Readable } from 'node:stream';
import { slotValueProblem, ErrorCode, type Campaign, type CampaignUploadSettings, type CheckReport, type RejectedRow } from '@wa/contracts';
import type { NumberRow, OrganizationRow, TemplateRow } from '../../db/rows.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Identity } from '../auth/auth.service.ts';
import type { SendBlock } from '../privacy/recipient-rights.service.ts';
import { assertCampaignSendable, campaignSlots } from '../templates/rich-send.ts';
import {
  approvedTemplate,
  asDomainError,
  assertPlanAllowsCampaigns,
  costOf,
  getCampaign,
  OPEN_MARGIN_MS,
  paceOf,
  planRate,
  stateError,
  type CampaignContext,
} from './campaign-context.ts';
import { detail } from './campaign-reports.ts';
import * as repo from './campaigns.repo.ts';
import { readRecipientFile, type ValidRows } from './recipient-file.ts';
import { openConversationsAmong } from '../messaging/messaging.service.ts';

// Steps 2–3 of a campaign: upload the recipient file, check it, and store the draft.

/** The check of step 3, before anything is stored. */
export interface CheckResult {
  valid: ValidRows;
  report: CheckReport;
  /** Every rejected row (the report keeps the first ones). */
  rejected: RejectedRow[];
}

const REPORT_SAMPLE = 100;

/**
 * The whole of step 3 for a file: parse and validate every row, then look up opt-outs and open
 * conversations for the valid ones and weigh the conversations needed against the balance.
 */
export async function check(
  ctx: CampaignContext,
  org: OrganizationRow,
  number: NumberRow,
  template: TemplateRow,
  settings: CampaignUploadSettings,
  file: Readable,
): Promise<CheckResult> {
  // Body variables, then a media header's link and button values (quick-reply payloads when asked): one slot each,
  // validated row by row.
  const payloads = { payloads: settings.quickReplyPayloads ?? false };
  assertCampaignSendable(template, number.apiVersion, payloads);
  const slots = campaignSlots(template, number.apiVersion, payloads);
  const variableCount = slots.length;
  const now = ctx.now();
  // A conversation counts as free if it outlasts the longest campaign a file can make.
  const until = new Date(now.getTime() + (ctx.config.maxRows / paceOf(ctx, null, await planRate(ctx, number.id))) * 1000 + OPEN_MARGIN_MS);
  // Opt-outs and open conversations are looked up batch by batch while the rest of the file is read.
  const lookups: Promise<[Set<string>, Map<string, string>, Map<string, SendBlock>]>[] = [];
  const parsed = await readRecipientFile(file, {
    mapping: settings,
    fallbacks: slots.map((slot, i) => settings.fallbacks[i] || slot.defaultValue),
    variableCount,
    checkValue: (i, value) => (slots[i] ? slotValueProblem(slots[i], value) : null),
    quietHours: template.category === 'marketing' ? ctx.quietHours : null,
    maxRows: ctx.config.maxRows,
    onValid: (batch) => {
      const p = Promise.all([
        repo.optedOutIn(ctx.db, org.id, batch),
        openConversationsAmong(ctx.db, number.id, template.category, batch, until),
        ctx.policy.privacyBlocks(ctx.db, org.id, batch),
      ]);
      p.catch(() => {}); // awaited below; a failed read must not leave an unhandled rejection behind
      lookups.push(p);
    },
  }).catch(asDomainError);
  const [found, balance] = await Promise.all([Promise.all(lookups), ctx.balanceOf(org.id)]);
  const opted = new Set<string>();
  const openAll = new Set<string>();
  // L.11c: restricted at the customer's request (an erased number's opt-out counts as opted out).
  const restricted = new Set<string>();
  for (const [o, c, blocked] of found) {
    for (const r of o) opted.add(r);
    for (const r of c.keys()) openAll.add(r);
    for (const [r, block] of blocked) (block.code === 'restricted' ? restricted : opted).add(r);
  }
  for (const r of restricted) opted.delete(r);
  const valid = parsed.valid;
  const rejected = parsed.rejected;
  if (opted.size || restricted.size) {
    // Compacted in place: 100,000 rows would otherwise be copied into five new arrays for a few removals.
    let kept = 0;
    for (let i = 0; i < valid.e164.length; i++) {
      const phone = valid.e164[i]!;
      if (restricted.has(phone)) {
        rejected.push({ line: valid.line[i]!, phone, kind: 'restricted', reason: "Restricted at the customer's request" });
        continue;
      }
      if (opted.has(phone)) {
        rejected.push({ line: valid.line[i]!, phone, kind: 'opted_out', reason: 'Opted out of your messages' });
        continue;
      }
      if (kept !== i) {
        valid.e164[kept] = phone;
        valid.line[kept] = valid.line[i]!;
        valid.country[kept] = valid.country[i]!;
        valid.policyKey[kept] = valid.policyKey[i]!;
        valid.variables[kept] = valid.variables[i]!;
      }
      kept++;
    }
    for (const column of [valid.e164, valid.line, valid.country, valid.policyKey, valid.variables]) column.length = kept;
    rejected.sort((a, b) => a.line - b.line);
  }
  let alreadyOpen = 0;
  for (const r of openAll) if (!opted.has(r) && !restricted.has(r)) alreadyOpen++;
  const needed = costOf(ctx, template.category) ? valid.e164.length - alreadyOpen : 0;
  const countries = new Map<string, number>();
  for (const c of valid.country) countries.set(c ?? '??', (countries.get(c ?? '??') ?? 0) + 1);
  const report: CheckReport = {
    rows: parsed.rows,
    valid: valid.e164.length,
    invalid: parsed.invalid,
    duplicates: parsed.duplicates,
    optedOut: opted.size,
    restricted: restricted.size,
    missingVariables: parsed.missingVariables,
    alreadyOpen,
    needed,
    balance: balance.remaining,
    missing: Math.max(0, needed - balance.remaining),
    rejected: rejected.slice(0, REPORT_SAMPLE),
    countries: [...countries.entries()].sort((a, b) => b[1] - a[1]).map(([country, recipients]) => ({ country, recipients })),
  };
  return { valid, report, rejected };
}

/** Checks the file and stores a draft with its report, in one transaction: a bad file creates nothing. */
export async function create(
  ctx: CampaignContext,
  identity: Identity,
  org: OrganizationRow,
  settings: CampaignUploadSettings,
  file: Readable,
): Promise<Campaign> {
  const number = await ctx.numbers.get(org.id, settings.numberId);
  await assertPlanAllowsCampaigns(ctx, number);
  const template = await approvedTemplate(ctx, number, settings.templateName, settings.language);
  const { valid, report, rejected: rejectedAll } = await check(ctx, org, number, template, settings, file);
  if (!valid.e164.length) {
    throw new DomainError(
      ErrorCode.csvInvalid,
      'No valid recipients',
      'None of the rows can be messaged. Download the rejected rows to see why.',
      {
        errors: rejectedAll.slice(0, 20).map((r) => ({ path: `line.${r.line}`, message: r.reason })),
      },
    );
  }
  const variableCount = campaignSlots(template, number.apiVersion, { payloads: settings.quickReplyPayloads ?? false }).length;
  const campaign = await ctx.db.transaction(async (tx) => {
    const c = await repo.insertCampaign(tx, {
      organizationId: org.id,
      numberId: number.id,
      name: settings.name,
      templateName: template.name,
      language: template.language,
      category: template.category,
      variableCount,
      status: 'draft',
      mapping: {
        phoneColumn: settings.phoneColumn,
        variableColumns: settings.variableColumns.slice(0, variableCount),
        timeZoneColumn: settings.timeZoneColumn,
        defaultCountry: settings.defaultCountry,
      },
      report,
      quietHours: template.category === 'marketing',
      createdBy: identity.accountId,
    });
    await repo.insertRecipients(tx, c.id, org.id, valid);
    await repo.insertRejections(tx, c.id, rejectedAll);
    return c;
  });
  return detail(ctx, org.id, campaign.id);
}

export async function remove(ctx: CampaignContext, org: OrganizationRow, id: string): Promise<void> {
  const c = await getCampaign(ctx, org.id, id);
  if (c.status !== 'draft') throw stateError('Only a draft can be discarded. Cancel a launched campaign instead.');
  await repo.deleteCampaign(ctx.db, c.id);
}
