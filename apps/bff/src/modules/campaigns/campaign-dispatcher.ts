import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client.ts';
import type { Queue } from '../../queue/queue.ts';
import * as repo from './campaigns.repo.ts';
import { DISPATCH_JOB, ownDispatchQueue } from './dispatch-jobs.ts';
import { LaneRunner } from './dispatch-lane.ts';
import { DispatchLeases } from './dispatch-leases.ts';
import { DispatchPacing } from './dispatch-pacing.ts';
import { DispatchRecovery } from './dispatch-recovery.ts';
import type { DispatchDeps, Kick } from './dispatch-types.ts';
import * as dispatchRepo from './dispatch.repo.ts';

export { DISPATCH_JOB, startCampaignWorkers } from './dispatch-jobs.ts';
export type { DispatchConfig, DispatchDeps } from './dispatch-types.ts';

/**
 * Sends a launched campaign in the background, on pg-boss, from any number of BFF instances at once.
 *
 * - Claims: recipients move pending → sending in one transaction that also opens (or reuses) their
 *   conversation, converts the campaign's reservation into the spend, and records the message (its id is the
 *   idempotency ref Kaleyra v2 de-duplicates). `FOR UPDATE SKIP LOCKED` gives every dispatcher its own rows.
 * - Pace: send slots come from one row per number and one for the Kaleyra account (dispatch_rate_slots), so
 *   all instances together stay under each number's limit and the account's; a recipient messaged from the
 *   number in the last few seconds waits (Meta's pair rate).
 * - Outcomes: accepted → sent, values erased in the same statement (Part G); 429/5xx/timeouts → back to
 *   pending later with backoff and jitter, same message; definite refusals → failed, the opened conversation
 *   released; account-level refusals pause the campaign.
 * - Instances: every dispatcher holds a short lease it renews (dispatch_leases), and so does every lane it runs.
 *   Lanes of a campaign are spread over the live instances; when one dies, its lanes and its `sending`
 *   recipients are taken over as soon as its lease lapses, not after the long claim timeout.
 * - Unknown outcomes (the instance died after handing the message over, or Kaleyra's answer timed out) are
 *   never simply sent again: the recipient waits as `confirming` while Kaleyra's status callbacks (they carry
 *   our ref, and on v1 our id in the callback URL) tell what happened. Only if nothing arrives within the
 *   confirmation window is a v2 message sent again, with the same ref; v1, which has no ref, ends
 *   `unconfirmed` rather than risk a duplicate. Every call is marked just before it starts, so a recipient
 *   whose call never started goes back to the queue at once: only the calls in flight wait.
 *
 * The parts: the lane and its sends (dispatch-lane.ts, dispatch-claims.ts, dispatch-send.ts), the pace
 * (dispatch-pacing.ts), the recovery and sweeper (dispatch-recovery.ts), the leases (dispatch-leases.ts) and
 * the pg-boss wiring (dispatch-jobs.ts).
 */
export class CampaignDispatcher {
  private queue: Queue | null = null;
  private stopping = false;
  /** This process's identity in dispatch_leases (its `sending` recipients carry it). */
  readonly workerId = randomUUID();
  private readonly leases: DispatchLeases;
  private readonly recovery: DispatchRecovery;
  private readonly lanes: LaneRunner;

  constructor(private readonly deps: DispatchDeps) {
    const kick: Kick = (campaignId, startAfter, lanes, bounce, to) => this.kick(campaignId, startAfter, lanes, bounce, to);
    this.leases = new DispatchLeases(deps.db, deps.log, this.workerId);
    this.recovery = new DispatchRecovery(deps, this.workerId, this.leases, kick);
    this.lanes = new LaneRunner({
      deps,
      workerId: this.workerId,
      leases: this.leases,
      pacing: new DispatchPacing(deps.db, deps.config),
      recovery: this.recovery,
      isStopping: () => this.stopping,
      kick,
      pause: (campaignId, reason) => this.pause(campaignId, reason),
      afterSlice: (campaignId) => this.afterSlice(campaignId),
    });
  }

  attach(queue: Queue) {
    this.queue = queue;
  }

  stop() {
    this.stopping = true;
    this.leases.stop();
  }

  /** Takes this process's lease and keeps renewing it (with its lanes') until `stop`. */
  startHeartbeat(): Promise<void> {
    return this.leases.start();
  }

  /** The ids of the instances whose lease is alive. */
  liveWorkers(): Promise<Set<string>> {
    return this.leases.liveWorkers();
  }

  /** Gives up this process's leases at once (a clean shutdown), so others need not wait for them to lapse. */
  releaseLeases(): Promise<void> {
    return this.leases.release();
  }

  private get cfg() {
    return this.deps.config;
  }

  /** Offers one job per lane; pg-boss keeps at most one queued job per lane, so repeated kicks are free. */
  async kick(campaignId: string, startAfter?: Date, lanes?: number[], bounce = 0, to?: string): Promise<void> {
    if (!this.queue) return;
    const after = startAfter && startAfter.getTime() > Date.now() + (bounce ? 0 : 500) ? startAfter : undefined;
    for (const lane of lanes ?? Array.from({ length: this.cfg.lanes }, (_, i) => i)) {
      await this.queue.send(
        to ? ownDispatchQueue(to) : DISPATCH_JOB,
        { campaignId, lane, ...(bounce ? { bounce } : {}) },
        { singletonKey: `${campaignId}:${lane}`, retryLimit: 0, expireInSeconds: 300, ...(after ? { startAfter: after } : {}) },
      );
    }
  }

  /** One pg-boss job: dispatches one lane of a campaign for a slice of time (see LaneRunner). */
  runLane(campaignId: string, laneNo = 0, bounce = 0): Promise<void> {
    return this.lanes.run(campaignId, laneNo, bounce);
  }

  async pause(campaignId: string, reason: string | null): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const c = await repo.lockCampaign(tx, campaignId);
      if (c && (c.status === 'running' || c.status === 'scheduled'))
        await repo.updateCampaign(tx, campaignId, { status: 'paused', pausedReason: reason });
    });
    if (reason) this.deps.log.warn({ campaignId, reason }, 'campaign paused');
  }

  // ---- after a slice: hand over, wait, or finish ----------------------------------------------

  private async afterSlice(campaignId: string): Promise<void> {
    const { db } = this.deps;
    const out = await dispatchRepo.outstanding(db, campaignId);
    if (out.pending === 0 && out.sending === 0) {
      await this.finish(campaignId);
      return;
    }
    const campaign = await repo.getCampaign(db, campaignId);
    if (!campaign || campaign.status !== 'running') return;
    const nowMs = this.deps.now().getTime();
    const candidates: number[] = [];
    if (out.sending) candidates.push(nowMs + Math.min(5_000, this.cfg.claimTimeoutMs));
    if (out.pending) {
      const due = out.nextDueAt?.getTime() ?? nowMs;
      if (!campaign.quietHours || !out.keys.length) candidates.push(due);
      else {
        for (const k of out.keys) {
          const next = this.deps.quietHours.nextAllowed(k, Math.max(due, nowMs));
          if (next !== null) candidates.push(next);
        }
        if (!candidates.length) candidates.push(nowMs + 3_600_000);
      }
    }
    const wake = new Date(Math.max(nowMs, Math.min(...candidates)));
    await repo.updateCampaign(db, campaignId, { wakeAt: wake });
    await this.kick(campaignId, wake);
  }

  /** Done: completed, and whatever is still reserved goes back to the balance. */
  async finish(campaignId: string): Promise<boolean> {
    const { db } = this.deps;
    const campaign = await repo.getCampaign(db, campaignId);
    if (!campaign) return false;
    return db.transaction(async (tx) => {
      const c = await repo.lockCampaign(tx, campaignId);
      if (!c || c.status !== 'running') return false;
      const out = await dispatchRepo.outstanding(tx, campaignId);
      if (out.pending || out.sending) return false;
      await this.releaseIn(tx, c);
      await repo.updateCampaign(tx, campaignId, { status: 'completed', finishedAt: this.deps.now(), wakeAt: null });
      return true;
    });
  }

  /** Gives the campaign's remaining reservation back (reservation_released), in the caller's transaction. */
  async releaseIn(tx: Tx, c: repo.CampaignRow): Promise<void> {
    if (c.reservedHeld <= 0) return;
    await this.deps.ledger.creditIn(tx, {
      organizationId: c.organizationId,
      amount: c.reservedHeld,
      reason: 'reservation_released',
      key: `campaign-release:${c.id}:${c.reservationRound}`,
      reference: c.id,
      numberId: c.numberId,
    });
    await repo.updateCampaign(tx, c.id, { reservedHeld: 0 });
  }

  /**
   * Runs every second on every instance: restarts what a crash or a lost job left behind (see
   * DispatchRecovery.sweep).
   */
  sweep(): Promise<void> {
    return this.recovery.sweep();
  }
}
