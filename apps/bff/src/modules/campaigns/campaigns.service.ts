import type { Readable } from 'node:stream';
import type {
  Balance,
  Campaign,
  CampaignPlan,
  CampaignRecipient,
  CampaignSummary,
  CampaignUploadSettings,
  LaunchCampaignRequest,
  PlanQuery,
  RecipientsQuery,
  RetryFailedResponse,
  TestSendResponse,
} from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import type { NumberRow, OrganizationRow, TemplateRow } from '../../db/rows.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Identity } from '../auth/auth.service.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import type { SendPolicy } from '../sending/send-policy.ts';
import type { CampaignContext, CampaignsConfig } from './campaign-context.ts';
import * as control from './campaign-control.ts';
import type { CampaignDispatcher } from './campaign-dispatcher.ts';
import * as intake from './campaign-intake.ts';
import type { CheckResult } from './campaign-intake.ts';
import * as planning from './campaign-plan.ts';
import * as reports from './campaign-reports.ts';
import type { QuietHours } from './quiet-hours.ts';

export type { CampaignsConfig } from './campaign-context.ts';
export type { CheckResult } from './campaign-intake.ts';
export { toRecipientDto } from './campaign-reports.ts';

/**
 * Campaigns as owners and admins see them: check a file, plan, reserve and launch, pause, resume, cancel,
 * retry, and read the progress. The background sending is the dispatcher's. Each step lives in its own file
 * (intake, plan, control, reports); this class is the one face the routes use.
 */
export class CampaignsService {
  private readonly ctx: CampaignContext;

  constructor(
    db: Db,
    ledger: LedgerService,
    messaging: MessagingService,
    numbers: NumbersService,
    balanceOf: (organizationId: string) => Promise<Balance>,
    quietHours: QuietHours,
    dispatcher: CampaignDispatcher,
    policy: SendPolicy,
    config: CampaignsConfig,
    log: Logger,
    now: () => Date = () => new Date(),
  ) {
    this.ctx = { db, ledger, messaging, numbers, balanceOf, quietHours, dispatcher, policy, config, log, now };
  }

  /**
   * The whole of step 3 for a file: parse and validate every row, then look up opt-outs and open
   * conversations for the valid ones and weigh the conversations needed against the balance.
   */
  check(
    org: OrganizationRow,
    number: NumberRow,
    template: TemplateRow,
    settings: CampaignUploadSettings,
    file: Readable,
  ): Promise<CheckResult> {
    return intake.check(this.ctx, org, number, template, settings, file);
  }

  /** Checks the file and stores a draft with its report, in one transaction: a bad file creates nothing. */
  create(identity: Identity, org: OrganizationRow, settings: CampaignUploadSettings, file: Readable): Promise<Campaign> {
    return intake.create(this.ctx, identity, org, settings, file);
  }

  remove(org: OrganizationRow, id: string): Promise<void> {
    return intake.remove(this.ctx, org, id);
  }

  testSend(identity: Identity, org: OrganizationRow, id: string, to: string): Promise<TestSendResponse> {
    return control.testSend(this.ctx, identity, org, id, to);
  }

  plan(org: OrganizationRow, id: string, q: PlanQuery): Promise<CampaignPlan> {
    return planning.plan(this.ctx, org, id, q);
  }

  /** Reserves the conversations the campaign needs in the ledger and starts it, now or at `scheduledAt`. */
  launch(org: OrganizationRow, id: string, req: LaunchCampaignRequest): Promise<Campaign> {
    return control.launch(this.ctx, org, id, req);
  }

  pause(org: OrganizationRow, id: string): Promise<Campaign> {
    return control.pause(this.ctx, org, id);
  }

  resume(org: OrganizationRow, id: string): Promise<Campaign> {
    return control.resume(this.ctx, org, id);
  }

  /** Nobody else is messaged; messages already handed over still arrive. The unused reservation goes back. */
  cancel(org: OrganizationRow, id: string): Promise<Campaign> {
    return control.cancel(this.ctx, org, id);
  }

  /** Sends the retryable failures again; a template with variables needs the same file again. */
  retryFailed(org: OrganizationRow, id: string, file: Readable | null, fallbacks: string[]): Promise<RetryFailedResponse> {
    return control.retryFailed(this.ctx, org, id, file, fallbacks);
  }

  list(org: OrganizationRow): Promise<CampaignSummary[]> {
    return reports.list(this.ctx, org);
  }

  detail(organizationId: string, id: string): Promise<Campaign> {
    return reports.detail(this.ctx, organizationId, id);
  }

  recipients(
    org: OrganizationRow,
    id: string,
    q: RecipientsQuery,
  ): Promise<{ recipients: CampaignRecipient[]; total: number; nextCursor: string | null }> {
    return reports.recipients(this.ctx, org, id, q);
  }

  /** The per-recipient report as CSV pages (metadata only: no variable values). */
  reportCsv(org: OrganizationRow, id: string): AsyncGenerator<string> {
    return reports.reportCsv(this.ctx, org, id);
  }

  rejectedCsv(org: OrganizationRow, id: string): Promise<string> {
    return reports.rejectedCsv(this.ctx, org, id);
  }

  quietHoursView() {
    return this.ctx.quietHours.view();
  }
}
