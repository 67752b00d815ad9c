import type { Balance, Catalog, ConversationCategory } from '@wa/contracts';
import { ErrorCode } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import type { NumberRow, TemplateRow } from '../../db/rows.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { currentPlanOf } from '../billing/billing.service.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import { findTemplate, type NumbersService } from '../numbers/numbers.service.ts';
import type { SendPolicy } from '../sending/send-policy.ts';
import type { CampaignDispatcher } from './campaign-dispatcher.ts';
import * as repo from './campaigns.repo.ts';
import { numberLimit } from './pace.ts';
import type { QuietHours } from './quiet-hours.ts';
import { RecipientFileError } from './recipient-file.ts';

export interface CampaignsConfig {
  chargedCategories: readonly ConversationCategory[];
  /** Plans and their limits (F.1): a plan without `campaigns` runs none. */
  catalog: Catalog;
  numberRatePerSecond: number;
  paceSafety: number;
  maxRows: number;
}

/** What every campaign operation works with: the services it calls and the campaigns' configuration. */
export interface CampaignContext {
  db: Db;
  ledger: LedgerService;
  messaging: MessagingService;
  numbers: NumbersService;
  balanceOf: (organizationId: string) => Promise<Balance>;
  quietHours: QuietHours;
  dispatcher: CampaignDispatcher;
  policy: SendPolicy;
  config: CampaignsConfig;
  log: Logger;
  now: () => Date;
}

/** A conversation counts as free only if it stays open this long past the estimated send. */
export const OPEN_MARGIN_MS = 10 * 60_000;

export const asDomainError = (err: unknown): never => {
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

export const stateError = (detail: string) => new DomainError(ErrorCode.campaignState, 'Not possible in this state', detail);

/**
 * The number's plan must include campaigns (catalog limits, F.1). Checked when a campaign is created and
 * whenever sending starts again (launch, resume, retry), as the plan may have changed in between.
 */
export async function assertPlanAllowsCampaigns(ctx: CampaignContext, number: NumberRow): Promise<void> {
  const plan = await currentPlanOf(ctx.db, ctx.config.catalog, number.id);
  if (plan && !plan.limits.campaigns) {
    const better = ctx.config.catalog.plans.filter((p) => p.limits.campaigns).map((p) => p.name);
    throw new DomainError(
      ErrorCode.planLimit,
      'Not in this plan',
      `The ${plan.name} plan of ${number.displayName} does not include campaigns.${better.length ? ` Choose the ${better.join(' or ')} plan for this number in Numbers to run them.` : ''}`,
    );
  }
}

export function costOf(ctx: CampaignContext, category: ConversationCategory) {
  return ctx.config.chargedCategories.includes(category) ? 1 : 0;
}

/** The campaign's pace: its chosen rate, under the number's limit (configuration, and its plan's messagesPerSecond). */
export function paceOf(ctx: CampaignContext, ratePerSecond: number | null | undefined, planPerSecond?: number) {
  const limit = numberLimit(ctx.config.numberRatePerSecond, planPerSecond) * ctx.config.paceSafety;
  return Math.min(ratePerSecond ?? limit, limit);
}

export async function planRate(ctx: CampaignContext, numberId: string): Promise<number | undefined> {
  return (await currentPlanOf(ctx.db, ctx.config.catalog, numberId))?.limits.messagesPerSecond;
}

export async function approvedTemplate(ctx: CampaignContext, number: NumberRow, name: string, language: string): Promise<TemplateRow> {
  const template = await findTemplate(ctx.db, number.id, name, language);
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

export async function getCampaign(ctx: CampaignContext, organizationId: string, id: string): Promise<repo.CampaignRow> {
  const c = await repo.findCampaign(ctx.db, organizationId, id);
  if (!c) throw errors.notFound('The campaign');
  return c;
}
