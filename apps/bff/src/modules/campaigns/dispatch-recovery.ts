import type { Tx } from '../../db/client.ts';
import { findNumber } from '../numbers/numbers.service.ts';
import * as repo from './campaigns.repo.ts';
import { LEASE_MS, type DispatchLeases } from './dispatch-leases.ts';
import type { DispatchDeps, Kick } from './dispatch-types.ts';
import * as dispatchRepo from './dispatch.repo.ts';

/** How often a lane looks for abandoned and confirming recipients. */
const RECOVER_MS = 2_000;

/**
 * What a crash, a stall or a cancel left behind: `sending` recipients of dead dispatchers (takeover), unknown
 * outcomes waiting as `confirming`, a cancelled campaign's orphans, and the sweeper that restarts lanes nobody runs.
 */
export class DispatchRecovery {
  private readonly staleCheckedAt = new Map<string, number>();
  private sweeps = 0;

  constructor(
    private readonly deps: DispatchDeps,
    private readonly workerId: string,
    private readonly leases: DispatchLeases,
    private readonly kick: Kick,
  ) {}

  private get cfg() {
    return this.deps.config;
  }

  /**
   * Recipients a dead dispatcher left in `sending`, and unknown outcomes the callbacks may have settled: looked
   * at every couple of seconds per campaign, inside a claim, not every batch.
   */
  async recoverDueIn(tx: Tx, c: repo.CampaignRow, apiVersion: string, now: Date): Promise<void> {
    if (now.getTime() - (this.staleCheckedAt.get(c.id) ?? 0) > RECOVER_MS) {
      this.staleCheckedAt.set(c.id, now.getTime());
      await this.recoverIn(tx, c, apiVersion, now, 'wait');
    }
  }

  /**
   * Takes over the `sending` recipients of dead (or stuck) dispatchers and settles the `confirming` ones:
   * - a call that never started goes back to the queue (or is cancelled), as nothing went out;
   * - every other abandoned recipient becomes `confirming`: its outcome is unknown;
   * - a `confirming` recipient whose message Kaleyra reported on (status callbacks) is sent or failed;
   * - one that heard nothing within the confirmation window is sent again with the same ref (v2), ends
   *   `unconfirmed` (v1, no ref to make a second call safe), or is cancelled (`cancel`: the campaign was).
   */
  private async recoverIn(tx: Tx, c: repo.CampaignRow, apiVersion: string, now: Date, mode: 'wait' | 'cancel'): Promise<void> {
    const { messaging } = this.deps;
    const abandoned = await dispatchRepo.claimAbandoned(
      tx,
      c.id,
      new Date(now.getTime() - this.cfg.claimTimeoutMs),
      now.getTime(),
      500,
      this.workerId,
    );
    if (abandoned.length) {
      // A call that never started (no call mark since the claim) sent nothing, whatever the API version.
      const neverCalled = abandoned.filter((r) => r.messageId && (!r.calledAt || !r.claimedAt || r.calledAt < r.claimedAt));
      const unknown = abandoned.filter((r) => r.messageId && !neverCalled.includes(r));
      if (mode === 'cancel') {
        for (const r of neverCalled) await messaging.applyStatusIn(tx, r.messageId!, 'not_sent', 'not-sent', now);
        await dispatchRepo.settleCancelled(
          tx,
          neverCalled.map((r) => ({ id: r.id, messageId: r.messageId! })),
        );
      } else {
        await dispatchRepo.requeue(
          tx,
          neverCalled.map((r) => ({ id: r.id, messageId: r.messageId!, notBefore: now })),
        );
      }
      await dispatchRepo.markConfirming(
        tx,
        unknown.map((r) => r.id),
        null,
      );
      const orphans = abandoned.filter((r) => !r.messageId).map((r) => r.id);
      if (orphans.length)
        await repo.updateRecipients(tx, orphans, {
          status: mode === 'cancel' ? 'cancelled' : 'pending',
          claimedAt: null,
          claimedBy: null,
          notBefore: now,
        });
    }
    const ready = await dispatchRepo.confirmable(tx, c.id, new Date(now.getTime() - this.cfg.confirmWindowMs), 500);
    const settled: { id: string; messageId: string; status: 'sent' | 'failed'; reason: string | null }[] = [];
    const again: { id: string; messageId: string; notBefore: Date }[] = [];
    const cancelled: { id: string; messageId: string }[] = [];
    for (const r of ready) {
      if (r.messageStatus === 'failed' || r.messageStatus === 'not_sent') {
        settled.push({ id: r.id, messageId: r.messageId, status: 'failed', reason: r.errorCode ?? 'not-sent' });
      } else if (r.messageStatus !== 'queued') {
        settled.push({ id: r.id, messageId: r.messageId, status: 'sent', reason: null });
      } else if (mode === 'cancel') {
        await messaging.applyStatusIn(tx, r.messageId, 'not_sent', 'not-sent', now);
        cancelled.push({ id: r.id, messageId: r.messageId });
      } else if (apiVersion === 'v2') {
        again.push({ id: r.id, messageId: r.messageId, notBefore: now });
      } else {
        await messaging.applyStatusIn(tx, r.messageId, 'failed', 'unconfirmed', now);
        settled.push({ id: r.id, messageId: r.messageId, status: 'failed', reason: 'unconfirmed' });
      }
    }
    await dispatchRepo.markDispatched(tx, settled, now);
    await dispatchRepo.requeue(tx, again);
    await dispatchRepo.settleCancelled(tx, cancelled);
    if (again.length)
      this.deps.log.warn(
        { campaignId: c.id, count: again.length },
        'no word from Kaleyra within the confirmation window: sending again with the same ref',
      );
  }

  /** A cancelled campaign's rows left `sending` or `confirming`: settled from the callbacks, else cancelled. */
  async settleOrphans(campaign: repo.CampaignRow) {
    const number = await findNumber(this.deps.db, campaign.organizationId, campaign.numberId);
    await this.deps.db.transaction(async (tx) => {
      await this.recoverIn(tx, campaign, number?.apiVersion ?? 'v2', this.deps.now(), 'cancel');
    });
  }

  // ---- the sweeper: restarts what a crash or a lost job left behind ---------------------------

  /**
   * Runs every second on every instance. A running campaign that is due but claimed nothing lately and has
   * lanes nobody holds (their instance died, or a job was lost) gets those lanes restarted at once.
   */
  async sweep(): Promise<void> {
    const { db } = this.deps;
    const now = this.deps.now();
    const thorough = this.sweeps++ % 5 === 0;
    const quiet = now.getTime() - LEASE_MS;
    const list = await repo.campaignsInStatus(db, thorough ? ['running', 'scheduled', 'cancelled'] : ['running', 'scheduled']);
    for (const c of list) {
      if (c.status === 'scheduled') {
        if (!c.scheduledAt || c.scheduledAt.getTime() <= now.getTime() + 1000) await this.kick(c.id);
      } else if (c.status === 'running') {
        const silent = !c.heartbeatAt || c.heartbeatAt.getTime() < quiet;
        const due = !c.wakeAt || c.wakeAt.getTime() <= now.getTime();
        if (!silent || !due) continue;
        const held = await this.leases.heldLanes(c.id);
        const dead = Array.from({ length: this.cfg.lanes }, (_, i) => i).filter((i) => !held.has(i));
        if (dead.length) await this.kick(c.id, undefined, dead);
      } else if (c.finishedAt && now.getTime() - c.finishedAt.getTime() < 86_400_000) {
        await this.settleOrphans(c);
      }
    }
    if (thorough) {
      await repo.deleteDraftsOlderThan(db, new Date(now.getTime() - 86_400_000));
      await dispatchRepo.deleteLeasesExpiredBefore(db, Date.now() - 3_600_000);
    }
  }
}
