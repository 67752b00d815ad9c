import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  slotValueProblem,
  describeRecipientReason,
  ErrorCode,
  type Campaign,
  type LaunchCampaignRequest,
  type RetryFailedResponse,
  type TestSendResponse,
} from '@wa/contracts';
import type { OrganizationRow } from '../../db/rows.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Identity } from '../auth/auth.service.ts';
import { InsufficientBalanceError } from '../ledger/ledger.service.ts';
import { findTemplate } from '../numbers/numbers.service.ts';
import { campaignSendValues, storedSlots } from '../templates/rich-send.ts';
import {
  approvedTemplate,
  asDomainError,
  costOf,
  getCampaign,
  OPEN_MARGIN_MS,
  paceOf,
  planRate,
  stateError,
  type CampaignContext,
} from './campaign-context.ts';
import { planFor } from './campaign-plan.ts';
import { detail } from './campaign-reports.ts';
import * as repo from './campaigns.repo.ts';
import { readRecipientFile } from './recipient-file.ts';
import { openConversationsAmong } from '../messaging/messaging.service.ts';

// Steps 4 and 6–8 of a campaign: the test send, then launch, pause, resume, cancel and the retry of failures.

/** A recipient's stored values as a one-on-one send takes them: body variables, then a rich template's extras. */
async function sendValues(
  ctx: CampaignContext,
  c: { organizationId: string; numberId: string; templateName: string; language: string },
  values: string[],
) {
  const number = await ctx.numbers.get(c.organizationId, c.numberId);
  return campaignSendValues(await findTemplate(ctx.db, c.numberId, c.templateName, c.language), number.apiVersion, values);
}

export async function testSend(
  ctx: CampaignContext,
  identity: Identity,
  org: OrganizationRow,
  id: string,
  to: string,
): Promise<TestSendResponse> {
  const c = await getCampaign(ctx, org.id, id);
  const first = await repo.firstRecipient(ctx.db, c.id);
  if (!first?.variables) throw stateError('The values of this campaign were erased after sending, so there is nothing to test with.');
  const sent = await ctx.messaging.send(
    identity,
    org,
    {
      kind: 'template',
      numberId: c.numberId,
      to,
      templateName: c.templateName,
      language: c.language,
      ...(await sendValues(ctx, c, first.variables)),
      clientRef: randomUUID(),
    },
    'campaign_test_send',
  );
  return { message: sent.message, balance: sent.balance };
}

/**
 * Reserves the conversations the campaign needs in the ledger and starts it, now or at `scheduledAt`. A
 * short balance refuses the launch with how many are missing and how many first recipients it would cover.
 */
export async function launch(ctx: CampaignContext, org: OrganizationRow, id: string, req: LaunchCampaignRequest): Promise<Campaign> {
  const c0 = await getCampaign(ctx, org.id, id);
  if (c0.status !== 'draft') throw stateError(`This campaign is ${c0.status}; only a draft can be launched.`);
  const number = await ctx.numbers.get(org.id, c0.numberId);
  // What dispatch will ask at every claim, asked now so a launch that cannot send says so at once.
  const refusal = await ctx.policy.senderRefusal(ctx.db, { path: 'campaign_dispatch', organizationId: org.id, numberId: number.id });
  if (refusal) throw refusal;
  await approvedTemplate(ctx, number, c0.templateName, c0.language);
  const scheduledAt = req.scheduledAt ? new Date(req.scheduledAt) : null;
  if (scheduledAt && scheduledAt.getTime() < ctx.now().getTime() - 60_000) {
    throw errors.validation([{ path: 'scheduledAt', message: 'Choose a time in the future' }]);
  }
  const p = await planFor(ctx, org, c0, { scheduledAt, sendLimit: req.sendLimit, ratePerSecond: req.ratePerSecond });
  const startsLater = scheduledAt !== null && scheduledAt.getTime() > ctx.now().getTime();
  await ctx.db.transaction(async (tx) => {
    const c = await repo.lockCampaign(tx, c0.id);
    if (!c || c.status !== 'draft') throw stateError('This campaign was launched or discarded in the meantime.');
    if (req.sendLimit) await repo.excludeBeyond(tx, c.id, req.sendLimit);
    if (p.needed > 0) {
      try {
        await ctx.ledger.debitIn(tx, {
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
      launchedAt: ctx.now(),
      ratePerSecond: req.ratePerSecond,
      sendLimit: req.sendLimit,
      pausedReason: null,
    });
  });
  await ctx.dispatcher.kick(c0.id, startsLater ? scheduledAt! : undefined);
  return detail(ctx, org.id, c0.id);
}

export async function pause(ctx: CampaignContext, org: OrganizationRow, id: string): Promise<Campaign> {
  const c = await getCampaign(ctx, org.id, id);
  if (c.status !== 'running' && c.status !== 'scheduled')
    throw stateError(`This campaign is ${c.status}; only a running or scheduled one can be paused.`);
  await ctx.db.transaction(async (tx) => {
    const locked = await repo.lockCampaign(tx, c.id);
    if (locked && (locked.status === 'running' || locked.status === 'scheduled'))
      await repo.updateCampaign(tx, c.id, { status: 'paused', pausedReason: null });
  });
  return detail(ctx, org.id, c.id);
}

export async function resume(ctx: CampaignContext, org: OrganizationRow, id: string): Promise<Campaign> {
  const c = await getCampaign(ctx, org.id, id);
  if (c.status !== 'paused') throw stateError(`This campaign is ${c.status}; only a paused one can be resumed.`);
  const refusal = await ctx.policy.senderRefusal(ctx.db, { path: 'campaign_dispatch', organizationId: org.id, numberId: c.numberId });
  if (refusal) throw refusal;
  const later = c.scheduledAt !== null && c.scheduledAt.getTime() > ctx.now().getTime();
  await ctx.db.transaction(async (tx) => {
    const locked = await repo.lockCampaign(tx, c.id);
    if (locked?.status === 'paused')
      await repo.updateCampaign(tx, c.id, { status: later ? 'scheduled' : 'running', pausedReason: null, wakeAt: null });
  });
  await ctx.dispatcher.kick(c.id, later ? c.scheduledAt! : undefined);
  return detail(ctx, org.id, c.id);
}

/** Nobody else is messaged; messages already handed over still arrive. The unused reservation goes back. */
export async function cancel(ctx: CampaignContext, org: OrganizationRow, id: string): Promise<Campaign> {
  const c0 = await getCampaign(ctx, org.id, id);
  if (c0.status === 'draft') throw stateError('A draft is discarded, not cancelled.');
  await ctx.db.transaction(async (tx) => {
    const c = await repo.lockCampaign(tx, c0.id);
    if (!c || !['scheduled', 'running', 'paused'].includes(c.status))
      throw stateError(`This campaign is ${c?.status ?? 'gone'} and cannot be cancelled.`);
    // A waiting recipient may hold a message that was refused earlier: it never went out, so its
    // conversation goes back too.
    for (const messageId of await repo.pendingMessageIds(tx, c.id))
      await ctx.messaging.applyStatusIn(tx, messageId, 'not_sent', 'not-sent', ctx.now());
    await repo.cancelPending(tx, c.id);
    await ctx.dispatcher.releaseIn(tx, c);
    await repo.updateCampaign(tx, c.id, { status: 'cancelled', finishedAt: ctx.now(), wakeAt: null });
  });
  return detail(ctx, org.id, c0.id);
}

/**
 * Sends the retryable failures again, each as a new message (a new round, so a new client ref and id).
 * Their values were erased when they were dispatched (Part G): a template with variables needs the same
 * file again, read with the campaign's mapping.
 */
export async function retryFailed(
  ctx: CampaignContext,
  org: OrganizationRow,
  id: string,
  file: Readable | null,
  fallbacks: string[],
): Promise<RetryFailedResponse> {
  const c0 = await getCampaign(ctx, org.id, id);
  if (!['completed', 'running', 'paused'].includes(c0.status))
    throw stateError(`This campaign is ${c0.status}; failures can be retried once it was launched and not cancelled.`);
  const failed = (await repo.failedRecipients(ctx.db, c0.id)).filter((r) => describeRecipientReason(r.code).retryable);
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
    // The same slots as at creation (a payload defaults to its button's label), checked the same way.
    const number = await ctx.numbers.get(org.id, c0.numberId);
    const template = await findTemplate(ctx.db, c0.numberId, c0.templateName, c0.language);
    const slots = template ? storedSlots(template, number.apiVersion, c0.variableCount) : [];
    const parsed = await readRecipientFile(file, {
      mapping: c0.mapping,
      fallbacks: Array.from({ length: c0.variableCount }, (_, i) => fallbacks[i] || slots[i]?.defaultValue || ''),
      variableCount: c0.variableCount,
      checkValue: (i, value) => (slots[i] ? slotValueProblem(slots[i], value) : null),
      quietHours: null,
      maxRows: ctx.config.maxRows,
    }).catch(asDomainError);
    values = new Map(parsed.valid.e164.map((e, i) => [e, JSON.parse(parsed.valid.variables[i]!) as string[]]));
  }
  const retry = c0.variableCount > 0 ? failed.filter((r) => values.has(r.recipient)) : failed;
  const notInFile = failed.length - retry.length;
  if (!retry.length) throw new DomainError(ErrorCode.csvInvalid, 'No matching rows', 'None of the failed recipients is in this file.');

  await ctx.numbers.get(org.id, c0.numberId);
  const now = ctx.now();
  const pace = paceOf(ctx, c0.ratePerSecond, await planRate(ctx, c0.numberId));
  const open = await openConversationsAmong(
    ctx.db,
    c0.numberId,
    c0.category,
    retry.map((r) => r.recipient),
    new Date(now.getTime() + (retry.length / pace) * 1000 + OPEN_MARGIN_MS),
  );
  const needed = costOf(ctx, c0.category) ? retry.filter((r) => !open.has(r.recipient)).length : 0;

  await ctx.db.transaction(async (tx) => {
    const c = await repo.lockCampaign(tx, c0.id);
    if (!c || !['completed', 'running', 'paused'].includes(c.status)) throw stateError('The campaign changed in the meantime; try again.');
    const round = c.reservationRound + 1;
    const verdict = await ctx.policy.decide(
      tx,
      { path: 'campaign_retry', organizationId: org.id, numberId: c.numberId },
      retry.map((r) => r.recipient),
    );
    if (verdict.sender) throw verdict.sender;
    await ctx.policy.assertFunds(tx, org.id, needed);
    if (needed > 0) {
      await ctx.ledger.debitIn(tx, {
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
  await ctx.dispatcher.kick(c0.id);
  ctx.log.info({ campaignId: c0.id, retried: retry.length }, 'campaign failures retried');
  return { campaign: await detail(ctx, org.id, c0.id), retried: retry.length, notInFile };
}
