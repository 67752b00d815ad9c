import type { Tx } from '../../db/client.ts';
import { GroupedCalls } from '../../lib/grouped-calls.ts';
import { recordCampaignOutcomes } from '../../lib/metrics.ts';
import { backoffMs, sleep } from '../../providers/http.ts';
import { ProviderError } from '../../providers/kaleyra/kaleyra.port.ts';
import { campaignMessageParts } from '../templates/rich-send.ts';
import * as repo from './campaigns.repo.ts';
import type { DispatchPacing } from './dispatch-pacing.ts';
import type { DispatchDeps, Lane, Outcome, SendItem } from './dispatch-types.ts';
import * as dispatchRepo from './dispatch.repo.ts';

/** Transient refusals (429, 5xx, timeouts) of one message before it counts as failed. */
const MAX_ATTEMPTS = 8;
/** Kaleyra refusals that concern the account or the number, not this recipient: the campaign pauses. */
const CAMPAIGN_LEVEL_CODES = new Set(['E110', 'WAV2101', 'RBC001', 'WA401']);

export interface SenderContext {
  deps: DispatchDeps;
  workerId: string;
  pacing: DispatchPacing;
  pause: (campaignId: string, reason: string | null) => Promise<void>;
}

/** Sends one claimed message at its slot, and records a batch of outcomes. */
export class DispatchSender {
  /** Calls about to start, marked many to a statement when they come together (two numbers, several lanes). */
  private readonly callMarks: GroupedCalls<{ id: string; claimedAt: Date }, boolean>;
  /** Calls Kaleyra refused: their marks go, as nothing went out (no callback will ever tell). */
  private readonly callUnmarks: GroupedCalls<{ id: string; claimedAt: Date }, boolean>;

  constructor(private readonly ctx: SenderContext) {
    const { deps, workerId } = ctx;
    this.callMarks = new GroupedCalls((rows) => dispatchRepo.markCalled(deps.db, rows, deps.now(), workerId));
    this.callUnmarks = new GroupedCalls((rows) => dispatchRepo.markCalled(deps.db, rows, null, workerId));
  }

  private get deps() {
    return this.ctx.deps;
  }

  private get cfg() {
    return this.ctx.deps.config;
  }

  async sendAt(lane: Lane, item: SendItem, at: number): Promise<Outcome> {
    const wait = at - Date.now();
    if (wait > 0) await sleep(wait);
    const { number } = lane;
    const v1 = number.apiVersion === 'v1';
    // A claim that waited in memory for half the claim timeout is left to the recovery rather than raced.
    if (Date.now() - item.claimedAtMs > this.cfg.claimTimeoutMs / 2) return { kind: 'dropped', item };
    await this.ctx.pacing.admit(lane);
    // Record that this recipient's call starts, right before it does: if the process dies, the recipients it
    // claimed but never called go back to the queue at once, and only the calls in flight wait for Kaleyra's
    // callbacks (the confirmation window). Only while the recipient is still this process's: one taken over is
    // not called from here.
    if (!(await this.callMarks.call({ id: item.recipientId, claimedAt: new Date(item.claimedAtMs) }))) return { kind: 'dropped', item };
    try {
      const callback = v1 ? this.cfg.statusCallbackUrl(lane.org) : undefined;
      const result = await this.deps.kaleyra.send({
        apiVersion: number.apiVersion,
        from: number.number,
        to: item.to,
        message: {
          kind: 'template',
          name: lane.template.name,
          language: lane.template.language,
          ...campaignMessageParts(lane.template.components, number.apiVersion, item.params),
        },
        ref: item.messageId,
        // v1 has no idempotency ref: our id rides in the callback URL so a crash can be reconciled from callbacks.
        ...(callback ? { callbackUrl: `${callback}${callback.includes('?') ? '&' : '?'}ref=${item.messageId}` } : {}),
        maxAttempts: 1,
      });
      return { kind: 'accepted', item, providerMessageId: result.providerMessageId };
    } catch (err) {
      const e = err instanceof ProviderError ? err : new ProviderError('network', true, 'send failed');
      // No answer: Kaleyra may have sent it. Its callbacks tell; sending again now could be a duplicate.
      if (e.code === 'timeout' || e.code === 'network') return { kind: 'unknown', item };
      // Kaleyra refused it (a 429, or a definite refusal; not a 5xx, which may have gone out): were this process
      // to die before the outcome is recorded, the recipient goes back to the queue at once instead of waiting
      // for callbacks that never come.
      if (e.code === 'http429' || !e.retryable)
        await this.callUnmarks.call({ id: item.recipientId, claimedAt: new Date(item.claimedAtMs) }).catch(() => false);
      if (CAMPAIGN_LEVEL_CODES.has(e.code)) return { kind: 'pause', item, code: e.code };
      if (e.retryable || e.code === 'timeout') {
        if (item.attempts >= MAX_ATTEMPTS) return { kind: 'failed', item, code: e.code };
        const delay = Math.max(e.retryAfterMs ?? 0, backoffMs(item.attempts - 1, 500, 30_000));
        return { kind: 'retry', item, notBefore: new Date(this.deps.now().getTime() + delay) };
      }
      return { kind: 'failed', item, code: e.code };
    }
  }

  /** Writes a batch of outcomes in one transaction. */
  async record(lane: Lane, batch: Outcome[]): Promise<void> {
    const now = this.deps.now();
    const accepted = batch.filter((o): o is Extract<Outcome, { kind: 'accepted' }> => o.kind === 'accepted');
    const failed = batch.filter((o): o is Extract<Outcome, { kind: 'failed' }> => o.kind === 'failed');
    const retry = batch.filter((o): o is Extract<Outcome, { kind: 'retry' | 'pause' }> => o.kind === 'retry' || o.kind === 'pause');
    const pause = batch.find((o): o is Extract<Outcome, { kind: 'pause' }> => o.kind === 'pause');
    const unknown = batch.filter((o) => o.kind === 'unknown');
    const dropped = batch.filter((o) => o.kind === 'dropped');
    await this.deps.db.transaction(async (tx) => {
      // The campaign row first, as claims and cancels do: a cancel cannot slip between reading the status and
      // requeueing. (Lock order everywhere: campaign, recipients, messages, organization.)
      const current = await repo.lockCampaign(tx, lane.campaign.id);
      await dispatchRepo.acceptMessages(
        tx,
        accepted.map((o) => ({ messageId: o.item.messageId, providerMessageId: o.providerMessageId })),
        now,
      );
      await dispatchRepo.markDispatched(
        tx,
        accepted.map((o) => ({ id: o.item.recipientId, messageId: o.item.messageId, status: 'sent' as const, reason: null })),
        now,
      );
      await this.fail(
        tx,
        failed.map((o) => ({ id: o.item.recipientId, messageId: o.item.messageId, code: o.code })),
        now,
      );
      await dispatchRepo.markConfirming(
        tx,
        unknown.map((o) => o.item.recipientId),
        now,
      );
      // Never called from here: back to the queue at once, if this process still holds them (a cancelled
      // campaign's are settled by the sweeper's recovery).
      if (current?.status !== 'cancelled') {
        await dispatchRepo.requeue(
          tx,
          dropped.map((o) => ({
            id: o.item.recipientId,
            messageId: o.item.messageId,
            notBefore: now,
            claimedAt: new Date(o.item.claimedAtMs),
          })),
          this.ctx.workerId,
        );
      }
      if (current?.status === 'cancelled') {
        // Cancelled while this send was being refused: it is not tried again, and its conversation goes back.
        for (const o of retry) await this.deps.messaging.applyStatusIn(tx, o.item.messageId, 'not_sent', 'not-sent', now);
        await dispatchRepo.settleCancelled(
          tx,
          retry.map((o) => ({ id: o.item.recipientId, messageId: o.item.messageId })),
        );
      } else {
        await dispatchRepo.requeue(
          tx,
          retry.map((o) => ({ id: o.item.recipientId, messageId: o.item.messageId, notBefore: o.kind === 'retry' ? o.notBefore : now })),
        );
      }
    });
    recordCampaignOutcomes(batch);
    if (pause) await this.ctx.pause(lane.campaign.id, pause.code);
    for (const o of failed)
      this.deps.log.warn({ campaignId: lane.campaign.id, messageId: o.item.messageId, code: o.code }, 'campaign message refused');
  }

  /** Definite failures: the message fails (its conversation is given back if it opened one), the recipient too. */
  private async fail(tx: Tx, rows: { id: string; messageId: string; code: string }[], now: Date) {
    for (const r of rows) await this.deps.messaging.applyStatusIn(tx, r.messageId, 'failed', r.code, now);
    await dispatchRepo.markDispatched(
      tx,
      rows.map((r) => ({ id: r.id, messageId: r.messageId, status: 'failed' as const, reason: r.code })),
      now,
    );
  }
}
