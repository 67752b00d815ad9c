import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  type Catalog,
  countVariables,
  slotValueProblem,
  describeRecipientReason,
  encodeCursor,
  ErrorCode,
  type Balance,
  type Campaign,
  type CampaignPlan,
  type CampaignRecipient,
  type CampaignSummary,
  type CampaignUploadSettings,
  type CheckReport,
  type ConversationCategory,
  type LaunchCampaignRequest,
  type PlanQuery,
  type QuietHoursGroup,
  type RecipientsQuery,
  type RejectedRow,
  type RetryFailedResponse,
  type TestSendResponse,
} from '@wa/contracts';
import { toCsv, toCsvRows } from '@wa/contracts/csv';
import type { Db } from '../../db/client.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Identity } from '../auth/auth.service.ts';
import { InsufficientBalanceError, type LedgerService } from '../ledger/ledger.service.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import { findTemplate, type NumberRow, type TemplateRow } from '../numbers/numbers.repo.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import type { OrganizationRow } from '../organizations/organizations.repo.ts';
import type { CampaignDispatcher } from './campaign-dispatcher.ts';
import * as repo from './campaigns.repo.ts';
import { estimateFinish, type GroupCount } from './estimate.ts';
import type { QuietHours } from './quiet-hours.ts';
import { readRecipientFile, RecipientFileError, type ValidRows } from './recipient-file.ts';
import type { SendPolicy } from '../sending/send-policy.ts';
import type { SendBlock } from '../privacy/recipient-rights.service.ts';
import { currentPlanOf } from '../billing/billing.repo.ts';
import { numberLimit } from './pace.ts';
import { assertCampaignSendable, campaignSendValues, campaignSlots } from '../templates/rich-send.ts';

export interface CampaignsConfig {
  chargedCategories: readonly ConversationCategory[];
  /** Plans and their limits (F.1): a plan without `campaigns` runs none. */
  catalog: Catalog;
  numberRatePerSecond: number;
  paceSafety: number;
  maxRows: number;
}

/** The check of step 3, before anything is stored. */
export interface CheckResult {
  valid: ValidRows;
  report: CheckReport;
  /** Every rejected row (the report keeps the first ones). */
  rejected: RejectedRow[];
}

const REPORT_SAMPLE = 100;
/** A conversation counts as free only if it stays open this long past the estimated send. */
const OPEN_MARGIN_MS = 10 * 60_000;

const asDomainError = (err: unknown): never => {
  if (err instanceof RecipientFileError) {
    throw new DomainError(
      err.status === 413 ? ErrorCode.fileTooLarge : ErrorCode.csvInvalid,
      'The recipient file cannot be used',
      err.message,
      {
        errors: [{ path: err.field ?? 'file', message: err.message }],
      },
    );
  }
  throw err;
};

const stateError = (detail: string) => new DomainError(ErrorCode.campaignState, 'Not possible in this state', detail);

/**
 * Campaigns as owners and admins see them: check a file, plan, reserve and launch, pause, resume, cancel,
 * retry, and read the progress. The background sending is the dispatcher's.
 */
export class CampaignsService {
  constructor(
    private readonly db: Db,
    private readonly ledger: LedgerService,
    private readonly messaging: MessagingService,
    private readonly numbers: NumbersService,
    private readonly balanceOf: (organizationId: string) => Promise<Balance>,
    private readonly quietHours: QuietHours,
    private readonly dispatcher: CampaignDispatcher,
    private readonly policy: SendPolicy,
    private readonly config: CampaignsConfig,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The number's plan must include campaigns (catalog limits, F.1). Checked when a campaign is created and
   * whenever sending starts again (launch, resume, retry), as the plan may have changed in between.
   */
  private async assertPlanAllowsCampaigns(number: NumberRow): Promise<void> {
    const plan = await currentPlanOf(this.db, this.config.catalog, number.id);
    if (plan && !plan.limits.campaigns) {
      const better = this.config.catalog.plans.filter((p) => p.limits.campaigns).map((p) => p.name);
      throw new DomainError(
        ErrorCode.planLimit,
        'Not in this plan',
        `The ${plan.name} plan of ${number.displayName} does not include campaigns.${better.length ? ` Choose the ${better.join(' or ')} plan for this number in Numbers to run them.` : ''}`,
      );
    }
  }

  private costOf(category: ConversationCategory) {
    return this.config.chargedCategories.includes(category) ? 1 : 0;
  }

  /** The campaign's pace: its chosen rate, under the number's limit (configuration, and its plan's messagesPerSecond). */
  private pace(ratePerSecond: number | null | undefined, planRate?: number) {
    const limit = numberLimit(this.config.numberRatePerSecond, planRate) * this.config.paceSafety;
    return Math.min(ratePerSecond ?? limit, limit);
  }

  private async planRate(numberId: string): Promise<number | undefined> {
    return (await currentPlanOf(this.db, this.config.catalog, numberId))?.limits.messagesPerSecond;
  }

  private async approvedTemplate(number: NumberRow, name: string, language: string): Promise<TemplateRow> {
    const template = await findTemplate(this.db, number.id, name, language);
    if (!template)
      throw errors.validation([{ path: 'templateName', message: 'No such template on this number. Sync templates and try again.' }]);
    if (template.status !== 'approved') {
      throw new DomainError(
        ErrorCode.templateNotApproved,
        'Template not approved',
        `"${template.name}" is ${template.status}; only approved templates can be sent.`,
      );
    }
    return template;
  }

  // ---- step 2–3: upload and check ----------------------------------------------------------------

  /**
   * The whole of step 3 for a file: parse and validate every row, then look up opt-outs and open
   * conversations for the valid ones and weigh the conversations needed against the balance.
   */
  async check(
    org: OrganizationRow,
    number: NumberRow,
    template: TemplateRow,
    settings: CampaignUploadSettings,
    file: Readable,
  ): Promise<CheckResult> {
    // Body variables, then a media header's link and button values: one slot each, validated row by row.
    const slots = campaignSlots(template, number.apiVersion);
    assertCampaignSendable(template, number.apiVersion);
    const variableCount = slots.length;
    const now = this.now();
    // A conversation counts as free if it outlasts the longest campaign a file can make.
    const until = new Date(now.getTime() + (this.config.maxRows / this.pace(null, await this.planRate(number.id))) * 1000 + OPEN_MARGIN_MS);
    // Opt-outs and open conversations are looked up batch by batch while the rest of the file is read.
    const lookups: Promise<[Set<string>, Map<string, string>, Map<string, SendBlock>]>[] = [];
    const parsed = await readRecipientFile(file, {
      mapping: settings,
      fallbacks: slots.map((slot, i) => settings.fallbacks[i] || slot.defaultValue),
      variableCount,
      checkValue: (i, value) => (slots[i] ? slotValueProblem(slots[i], value) : null),
      quietHours: template.category === 'marketing' ? this.quietHours : null,
      maxRows: this.config.maxRows,
      onValid: (batch) => {
        const p = Promise.all([
          repo.optedOutIn(this.db, org.id, batch),
          repo.openAmong(this.db, number.id, template.category, batch, until),
          this.policy.privacyBlocks(this.db, org.id, batch),
        ]);
        p.catch(() => {}); // awaited below; a failed read must not leave an unhandled rejection behind
        lookups.push(p);
      },
    }).catch(asDomainError);
    const [found, balance] = await Promise.all([Promise.all(lookups), this.balanceOf(org.id)]);
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
    const needed = this.costOf(template.category) ? valid.e164.length - alreadyOpen : 0;
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
  async create(identity: Identity, org: OrganizationRow, settings: CampaignUploadSettings, file: Readable): Promise<Campaign> {
    const number = await this.numbers.get(org.id, settings.numberId);
    await this.assertPlanAllowsCampaigns(number);
    const template = await this.approvedTemplate(number, settings.templateName, settings.language);
    const { valid, report, rejected: rejectedAll } = await this.check(org, number, template, settings, file);
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
    const variableCount = campaignSlots(template, number.apiVersion).length;
    const campaign = await this.db.transaction(async (tx) => {
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
    return this.detail(org.id, campaign.id);
  }

  async remove(org: OrganizationRow, id: string): Promise<void> {
    const c = await this.get(org.id, id);
    if (c.status !== 'draft') throw stateError('Only a draft can be discarded. Cancel a launched campaign instead.');
    await repo.deleteCampaign(this.db, c.id);
  }

  private async get(organizationId: string, id: string): Promise<repo.CampaignRow> {
    const c = await repo.findCampaign(this.db, organizationId, id);
    if (!c) throw errors.notFound('The campaign');
    return c;
  }

  // ---- step 4: test send --------------------------------------------------------------------

  /** A recipient's stored values as a one-on-one send takes them: body variables, then a rich template's extras. */
  private async sendValues(c: { organizationId: string; numberId: string; templateName: string; language: string }, values: string[]) {
    const number = await this.numbers.get(c.organizationId, c.numberId);
    return campaignSendValues(await findTemplate(this.db, c.numberId, c.templateName, c.language), number.apiVersion, values);
  }

  async testSend(identity: Identity, org: OrganizationRow, id: string, to: string): Promise<TestSendResponse> {
    const c = await this.get(org.id, id);
    const first = await repo.firstRecipient(this.db, c.id);
    if (!first?.variables) throw stateError('The values of this campaign were erased after sending, so there is nothing to test with.');
    const sent = await this.messaging.send(
      identity,
      org,
      {
        kind: 'template',
        numberId: c.numberId,
        to,
        templateName: c.templateName,
        language: c.language,
        ...(await this.sendValues(c, first.variables)),
        clientRef: randomUUID(),
      },
      'campaign_test_send',
    );
    return { message: sent.message, balance: sent.balance };
  }

  // ---- steps 5–6: plan, reserve and launch --------------------------------------------------

  private async groupsOf(c: repo.CampaignRow, pending: { policyKey: string | null }[], startMs: number): Promise<QuietHoursGroup[]> {
    if (!c.quietHours) return [];
    const counts = new Map<string, number>();
    for (const r of pending) if (r.policyKey) counts.set(r.policyKey, (counts.get(r.policyKey) ?? 0) + 1);
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([key, recipients]) => {
        const next = this.quietHours.nextAllowed(key, startMs);
        return {
          key,
          ...this.quietHours.describe(key),
          recipients,
          allowedNow: this.quietHours.isAllowed(key, startMs),
          nextWindowAt: next === null ? null : new Date(next).toISOString(),
        };
      });
  }

  /**
   * What a launch with these options would need: recipients kept, conversations to open (a window counts as
   * free only if it outlasts the estimated end), the largest "first N" the balance covers, and the end time.
   */
  private async planFor(
    org: OrganizationRow,
    c: repo.CampaignRow,
    options: { scheduledAt: Date | null; sendLimit: number | null; ratePerSecond: number | null },
  ) {
    const now = this.now();
    const startMs = Math.max(now.getTime(), options.scheduledAt?.getTime() ?? 0);
    const all = await repo.pendingRecipients(this.db, c.id);
    const kept = options.sendLimit ? all.filter((r) => r.seq <= options.sendLimit!) : all;
    const pace = this.pace(options.ratePerSecond, await this.planRate(c.numberId));
    const groupCounts = new Map<string | null, number>();
    for (const r of kept) groupCounts.set(c.quietHours ? r.policyKey : null, (groupCounts.get(c.quietHours ? r.policyKey : null) ?? 0) + 1);
    const groups: GroupCount[] = [...groupCounts.entries()].map(([key, count]) => ({ key, count }));
    const finish = estimateFinish(groups, startMs, pace, c.quietHours ? this.quietHours : null);
    const until = new Date((finish ?? startMs + 14 * 86_400_000) + OPEN_MARGIN_MS);
    const open = await repo.openAmong(
      this.db,
      c.numberId,
      c.category,
      all.map((r) => r.recipient),
      until,
    );
    const cost = this.costOf(c.category);
    const balance = await this.balanceOf(org.id);
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
      groups: await this.groupsOf(c, kept, startMs),
    };
  }

  async plan(org: OrganizationRow, id: string, q: PlanQuery): Promise<CampaignPlan> {
    const c = await this.get(org.id, id);
    if (c.status !== 'draft') throw stateError('The plan is for a draft; this campaign was launched already.');
    const p = await this.planFor(org, c, {
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

  /**
   * Reserves the conversations the campaign needs in the ledger and starts it, now or at `scheduledAt`. A
   * short balance refuses the launch with how many are missing and how many first recipients it would cover.
   */
  async launch(org: OrganizationRow, id: string, req: LaunchCampaignRequest): Promise<Campaign> {
    const c0 = await this.get(org.id, id);
    if (c0.status !== 'draft') throw stateError(`This campaign is ${c0.status}; only a draft can be launched.`);
    const number = await this.numbers.get(org.id, c0.numberId);
    // What dispatch will ask at every claim, asked now so a launch that cannot send says so at once.
    const refusal = await this.policy.senderRefusal(this.db, { path: 'campaign_dispatch', organizationId: org.id, numberId: number.id });
    if (refusal) throw refusal;
    await this.approvedTemplate(number, c0.templateName, c0.language);
    const scheduledAt = req.scheduledAt ? new Date(req.scheduledAt) : null;
    if (scheduledAt && scheduledAt.getTime() < this.now().getTime() - 60_000) {
      throw errors.validation([{ path: 'scheduledAt', message: 'Choose a time in the future' }]);
    }
    const p = await this.planFor(org, c0, { scheduledAt, sendLimit: req.sendLimit, ratePerSecond: req.ratePerSecond });
    const startsLater = scheduledAt !== null && scheduledAt.getTime() > this.now().getTime();
    await this.db.transaction(async (tx) => {
      const c = await repo.lockCampaign(tx, c0.id);
      if (!c || c.status !== 'draft') throw stateError('This campaign was launched or discarded in the meantime.');
      if (req.sendLimit) await repo.excludeBeyond(tx, c.id, req.sendLimit);
      if (p.needed > 0) {
        try {
          await this.ledger.debitIn(tx, {
            organizationId: org.id,
            amount: p.needed,
            reason: 'reservation',
            key: `campaign-reserve:${c.id}:1`,
            reference: c.id,
            numberId: c.numberId,
          });
        } catch (err) {
          if (!(err instanceof InsufficientBalanceError)) throw err;
          const missing = err.needed - err.available;
          throw new DomainError(
            ErrorCode.insufficientBalance,
            'Not enough conversations',
            `This campaign needs ${err.needed} conversation${err.needed === 1 ? '' : 's'} but ${err.available} ${err.available === 1 ? 'is' : 'are'} left: ${missing} missing. Buy a package, or send to the first ${p.affordable} recipients.`,
            { errors: [{ path: 'sendLimit', message: `The balance covers the first ${p.affordable} recipients.` }] },
          );
        }
      }
      await repo.updateCampaign(tx, c.id, {
        status: startsLater ? 'scheduled' : 'running',
        reservedHeld: p.needed,
        reservationRound: 1,
        scheduledAt,
        launchedAt: this.now(),
        ratePerSecond: req.ratePerSecond,
        sendLimit: req.sendLimit,
        pausedReason: null,
      });
    });
    await this.dispatcher.kick(c0.id, startsLater ? scheduledAt! : undefined);
    return this.detail(org.id, c0.id);
  }

  async pause(org: OrganizationRow, id: string): Promise<Campaign> {
    const c = await this.get(org.id, id);
    if (c.status !== 'running' && c.status !== 'scheduled')
      throw stateError(`This campaign is ${c.status}; only a running or scheduled one can be paused.`);
    await this.db.transaction(async (tx) => {
      const locked = await repo.lockCampaign(tx, c.id);
      if (locked && (locked.status === 'running' || locked.status === 'scheduled'))
        await repo.updateCampaign(tx, c.id, { status: 'paused', pausedReason: null });
    });
    return this.detail(org.id, c.id);
  }

  async resume(org: OrganizationRow, id: string): Promise<Campaign> {
    const c = await this.get(org.id, id);
    if (c.status !== 'paused') throw stateError(`This campaign is ${c.status}; only a paused one can be resumed.`);
    const refusal = await this.policy.senderRefusal(this.db, { path: 'campaign_dispatch', organizationId: org.id, numberId: c.numberId });
    if (refusal) throw refusal;
    const later = c.scheduledAt !== null && c.scheduledAt.getTime() > this.now().getTime();
    await this.db.transaction(async (tx) => {
      const locked = await repo.lockCampaign(tx, c.id);
      if (locked?.status === 'paused')
        await repo.updateCampaign(tx, c.id, { status: later ? 'scheduled' : 'running', pausedReason: null, wakeAt: null });
    });
    await this.dispatcher.kick(c.id, later ? c.scheduledAt! : undefined);
    return this.detail(org.id, c.id);
  }

  /** Nobody else is messaged; messages already handed over still arrive. The unused reservation goes back. */
  async cancel(org: OrganizationRow, id: string): Promise<Campaign> {
    const c0 = await this.get(org.id, id);
    if (c0.status === 'draft') throw stateError('A draft is discarded, not cancelled.');
    await this.db.transaction(async (tx) => {
      const c = await repo.lockCampaign(tx, c0.id);
      if (!c || !['scheduled', 'running', 'paused'].includes(c.status))
        throw stateError(`This campaign is ${c?.status ?? 'gone'} and cannot be cancelled.`);
      // A waiting recipient may hold a message that was refused earlier: it never went out, so its
      // conversation goes back too.
      for (const messageId of await repo.pendingMessageIds(tx, c.id))
        await this.messaging.applyStatusIn(tx, messageId, 'not_sent', 'not-sent', this.now());
      await repo.cancelPending(tx, c.id);
      await this.dispatcher.releaseIn(tx, c);
      await repo.updateCampaign(tx, c.id, { status: 'cancelled', finishedAt: this.now(), wakeAt: null });
    });
    return this.detail(org.id, c0.id);
  }

  // ---- step 8: retry failed ---------------------------------------------------------------

  /**
   * Sends the retryable failures again, each as a new message (a new round, so a new client ref and id).
   * Their values were erased when they were dispatched (Part G): a template with variables needs the same
   * file again, read with the campaign's mapping.
   */
  async retryFailed(org: OrganizationRow, id: string, file: Readable | null, fallbacks: string[]): Promise<RetryFailedResponse> {
    const c0 = await this.get(org.id, id);
    if (!['completed', 'running', 'paused'].includes(c0.status))
      throw stateError(`This campaign is ${c0.status}; failures can be retried once it was launched and not cancelled.`);
    const failed = (await repo.failedRecipients(this.db, c0.id)).filter((r) => describeRecipientReason(r.code).retryable);
    if (!failed.length) throw stateError('No failed recipient can be retried.');
    let values = new Map<string, string[]>();
    if (c0.variableCount > 0) {
      if (!file) {
        throw new DomainError(
          ErrorCode.campaignState,
          'Choose the file again',
          'The personal values of these messages were erased after sending. Choose the same CSV file again to retry them.',
          {
            errors: [{ path: 'file', message: 'required' }],
          },
        );
      }
      const parsed = await readRecipientFile(file, {
        mapping: c0.mapping,
        fallbacks,
        variableCount: c0.variableCount,
        quietHours: null,
        maxRows: this.config.maxRows,
      }).catch(asDomainError);
      values = new Map(parsed.valid.e164.map((e, i) => [e, JSON.parse(parsed.valid.variables[i]!) as string[]]));
    }
    const retry = c0.variableCount > 0 ? failed.filter((r) => values.has(r.recipient)) : failed;
    const notInFile = failed.length - retry.length;
    if (!retry.length) throw new DomainError(ErrorCode.csvInvalid, 'No matching rows', 'None of the failed recipients is in this file.');

    await this.numbers.get(org.id, c0.numberId);
    const now = this.now();
    const pace = this.pace(c0.ratePerSecond, await this.planRate(c0.numberId));
    const open = await repo.openAmong(
      this.db,
      c0.numberId,
      c0.category,
      retry.map((r) => r.recipient),
      new Date(now.getTime() + (retry.length / pace) * 1000 + OPEN_MARGIN_MS),
    );
    const needed = this.costOf(c0.category) ? retry.filter((r) => !open.has(r.recipient)).length : 0;

    await this.db.transaction(async (tx) => {
      const c = await repo.lockCampaign(tx, c0.id);
      if (!c || !['completed', 'running', 'paused'].includes(c.status))
        throw stateError('The campaign changed in the meantime; try again.');
      const round = c.reservationRound + 1;
      const verdict = await this.policy.decide(
        tx,
        { path: 'campaign_retry', organizationId: org.id, numberId: c.numberId },
        retry.map((r) => r.recipient),
      );
      if (verdict.sender) throw verdict.sender;
      await this.policy.assertFunds(tx, org.id, needed);
      if (needed > 0) {
        await this.ledger.debitIn(tx, {
          organizationId: org.id,
          amount: needed,
          reason: 'reservation',
          key: `campaign-reserve:${c.id}:${round}`,
          reference: c.id,
          numberId: c.numberId,
        });
      }
      for (const r of retry) {
        // Refused now (an opt-out or a restriction since): recorded with the code every send path refuses with.
        const refused = verdict.recipients.get(r.recipient);
        if (refused) {
          await repo.updateRecipients(tx, [r.id], { status: 'skipped', reason: refused.code, round, claimedAt: null, variables: null });
          continue;
        }
        await repo.updateRecipients(tx, [r.id], {
          status: 'pending',
          reason: null,
          messageId: null,
          attempts: 0,
          round: round,
          claimedAt: null,
          dispatchedAt: null,
          notBefore: now,
          variables: c.variableCount > 0 ? values.get(r.recipient)! : [],
        });
      }
      await repo.updateCampaign(tx, c.id, {
        status: c.status === 'paused' ? 'paused' : 'running',
        reservedHeld: c.reservedHeld + needed,
        reservationRound: round,
        finishedAt: null,
        wakeAt: null,
      });
    });
    await this.dispatcher.kick(c0.id);
    this.log.info({ campaignId: c0.id, retried: retry.length }, 'campaign failures retried');
    return { campaign: await this.detail(org.id, c0.id), retried: retry.length, notInFile };
  }

  // ---- reading ------------------------------------------------------------------------------

  async list(org: OrganizationRow): Promise<CampaignSummary[]> {
    const rows = await repo.listCampaigns(this.db, org.id);
    const out: CampaignSummary[] = [];
    for (const c of rows) {
      const [counts, numberRow] = await Promise.all([
        repo.countByOwnStatus(this.db, c.id),
        this.numbers.get(org.id, c.numberId).catch(() => null),
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

  async detail(organizationId: string, id: string): Promise<Campaign> {
    const c = await this.get(organizationId, id);
    const now = this.now();
    const [counts, number, recent, failed] = await Promise.all([
      repo.countByStatus(this.db, c.id),
      this.numbers.get(organizationId, c.numberId),
      repo.dispatchedSince(this.db, c.id, new Date(now.getTime() - 60_000)),
      repo.failedByCode(this.db, c.id),
    ]);
    const active = c.status === 'running' || c.status === 'scheduled' || c.status === 'paused';
    let finish: number | null = null;
    let waiting = 0;
    if (active && counts.pending + counts.sending > 0) {
      const groups = await repo.pendingByGroup(this.db, c.id);
      const startMs = Math.max(now.getTime(), c.scheduledAt?.getTime() ?? 0);
      if (c.quietHours) for (const g of groups) if (g.key && !this.quietHours.isAllowed(g.key, now.getTime())) waiting += g.count;
      if (c.status !== 'paused')
        finish = estimateFinish(
          groups,
          startMs,
          this.pace(c.ratePerSecond, await this.planRate(c.numberId)),
          c.quietHours ? this.quietHours : null,
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

  async recipients(
    org: OrganizationRow,
    id: string,
    q: RecipientsQuery,
  ): Promise<{ recipients: CampaignRecipient[]; total: number; nextCursor: string | null }> {
    const c = await this.get(org.id, id);
    const digits = q.q?.replace(/\D/g, '') || undefined;
    const page = await repo.recipientsPage(this.db, c.id, {
      status: q.status,
      digits,
      limit: q.limit,
      offset: q.offset,
      afterSeq: q.cursor?.[0],
    });
    const last = page.rows[page.rows.length - 1];
    return {
      recipients: page.rows.map(toRecipientDto),
      total: page.total,
      nextCursor: page.more && last ? encodeCursor([last.seq]) : null,
    };
  }

  /** The per-recipient report as CSV pages (metadata only: no variable values). */
  async *reportCsv(org: OrganizationRow, id: string): AsyncGenerator<string> {
    const c = await this.get(org.id, id);
    yield toCsvRows([['line', 'phone', 'status', 'reason', 'attempts', 'message_id', 'dispatched_at']]);
    let after = 0;
    for (;;) {
      const rows = await repo.recipientsAfter(this.db, c.id, after, 5_000);
      if (!rows.length) return;
      after = rows[rows.length - 1]!.seq;
      const dto = rows.map(toRecipientDto);
      yield toCsvRows(dto.map((r) => [r.line, r.recipient, r.status, r.reason ?? '', r.attempts, r.messageId ?? '', r.dispatchedAt ?? '']));
    }
  }

  async rejectedCsv(org: OrganizationRow, id: string): Promise<string> {
    const c = await this.get(org.id, id);
    const rows = await repo.rejections(this.db, c.id);
    return toCsv(
      ['line', 'phone', 'problem', 'reason'],
      rows.map((r) => [r.line, r.phone, r.kind, r.reason]),
    );
  }

  quietHoursView() {
    return this.quietHours.view();
  }
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
