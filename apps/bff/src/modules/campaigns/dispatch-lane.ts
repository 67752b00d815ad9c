import { sleep } from '../../providers/http.ts';
import { currentPlanOf } from '../billing/billing.service.ts';
import { findNumber, findTemplate } from '../numbers/numbers.service.ts';
import { findOrganization } from '../organizations/organizations.service.ts';
import * as repo from './campaigns.repo.ts';
import { claimBatch, subjectOf } from './dispatch-claims.ts';
import type { DispatchLeases } from './dispatch-leases.ts';
import type { DispatchPacing } from './dispatch-pacing.ts';
import type { DispatchRecovery } from './dispatch-recovery.ts';
import { DispatchSender } from './dispatch-send.ts';
import type { DispatchDeps, Kick, Lane, Outcome } from './dispatch-types.ts';
import * as dispatchRepo from './dispatch.repo.ts';
import { numberLimit } from './pace.ts';

/**
 * How long one job keeps a lane before handing it to a fresh job (so no job outlives pg-boss's expiry, and
 * campaigns share an instance's workers). Lanes end at staggered times, and the follow-up job is queued a
 * little before the end, so the pace has no gap at the hand-over.
 */
const SLICE_MS = 30_000;
const HANDOVER_MS = 3_000;
/** Claim the next batch this long before the current batch's last slot, to keep the pace without gaps. */
const LOOKAHEAD_MS = 1_000;
const FLUSH_MS = 100;
/** A lane job that lands on an instance other than the one its lane is spread to is passed on this often at most. */
const MAX_BOUNCES = 3;

export interface LaneContext {
  deps: DispatchDeps;
  workerId: string;
  leases: DispatchLeases;
  pacing: DispatchPacing;
  recovery: DispatchRecovery;
  isStopping: () => boolean;
  kick: Kick;
  pause: (campaignId: string, reason: string | null) => Promise<void>;
  /** Hands over, waits or finishes once a slice ends. */
  afterSlice: (campaignId: string) => Promise<void>;
}

/** The lane: claim, pace, send, record. */
export class LaneRunner {
  private readonly sender: DispatchSender;

  constructor(private readonly ctx: LaneContext) {
    this.sender = new DispatchSender(ctx);
  }

  private get deps() {
    return this.ctx.deps;
  }

  private get cfg() {
    return this.ctx.deps.config;
  }

  /**
   * One pg-boss job: dispatches one lane for up to SLICE_MS, then hands over to a follow-up job or finishes.
   * A job that lands on another instance than the lane's is passed on (a few times at most), so the lanes of
   * a campaign spread over the instances.
   */
  async run(campaignId: string, laneNo: number, bounce: number): Promise<void> {
    const { leases } = this.ctx;
    if (bounce < MAX_BOUNCES) {
      const preferred = await leases.preferredWorker(campaignId, laneNo);
      if (preferred && preferred !== this.ctx.workerId) {
        // Straight to that instance's own queue. Should it die first, the sweeper restarts the lane nobody holds.
        await this.ctx.kick(campaignId, undefined, [laneNo], bounce + 1, preferred);
        return;
      }
    }
    const key = `lane:${campaignId}:${laneNo}`;
    if (!(await leases.enterLane(key, HANDOVER_MS))) return;
    try {
      await this.runSlice(campaignId, key);
    } finally {
      await leases.leaveLane(key);
    }
  }

  private async runSlice(campaignId: string, key: string): Promise<void> {
    const { pacing, leases } = this.ctx;
    const lane = await this.prepare(campaignId);
    if (!lane) return;
    const deadline = Date.now() + SLICE_MS * (0.8 + 0.4 * Math.random());
    let handedOver = false;
    const inflight = new Set<Promise<void>>();
    const outcomes: Outcome[] = [];
    let flushing: Promise<void> = Promise.resolve();
    const flush = () => {
      const batch = outcomes.splice(0);
      if (batch.length)
        flushing = flushing
          .then(() => this.sender.record(lane, batch))
          .catch((err: Error) => this.deps.log.error({ err: err.message, campaignId }, 'recording outcomes failed'));
      return flushing;
    };
    const flusher = setInterval(() => void flush(), FLUSH_MS);
    let stopped = false;
    try {
      const batchSize = Math.max(1, Math.min(50, Math.round(lane.pace * 0.25)));
      // Claim only when the number's next free slot is near: a claimed recipient waits in memory meanwhile.
      // The shared slot row is read once; after that, this lane's own last slot tells when to claim again.
      let nextSlot = await pacing.nextSlot(lane);
      while (!this.ctx.isStopping() && Date.now() < deadline) {
        if (leases.lost(key)) {
          // Another instance runs this lane now (this one stalled past its lease): it carries on from here.
          stopped = true;
          break;
        }
        if (!handedOver && Date.now() > deadline - HANDOVER_MS) {
          handedOver = true;
          await this.ctx.kick(lane.campaign.id);
        }
        const ahead = nextSlot - Date.now() - LOOKAHEAD_MS;
        if (ahead > 0) {
          if (Date.now() + ahead > deadline) break;
          await sleep(ahead);
        }
        // A starved process (a busy machine) sends later than its slots: at most two seconds of sends wait in
        // memory, so claims never pile up (and never outlive the claim timeout there).
        while (inflight.size > Math.max(2 * batchSize, 2 * lane.pace)) await Promise.race(inflight);
        const claim = await claimBatch(this.ctx, lane, batchSize);
        if (claim.stopped) {
          stopped = true;
          break;
        }
        if (!claim.items.length) {
          // Rows were settled without a send (opt-outs, pair-rate waits, balance): look again at once.
          if (claim.touched) continue;
          break;
        }
        const n = claim.items.length;
        const first = await pacing.slotsFor(lane, n);
        const interval = pacing.intervalsOf(lane);
        let last = Date.now();
        nextSlot = first.number + n * interval.number;
        claim.items.forEach((item, i) => {
          const at = Math.max(first.number + i * interval.number, first.account + i * interval.account);
          last = Math.max(last, at);
          const p = this.sender.sendAt(lane, item, at).then((o) => {
            outcomes.push(o);
          });
          inflight.add(p);
          void p.finally(() => inflight.delete(p));
        });
        const wait = last - Date.now() - LOOKAHEAD_MS;
        if (wait > 0) await sleep(wait);
      }
    } finally {
      await Promise.allSettled([...inflight]);
      clearInterval(flusher);
      await flush();
    }
    if (!stopped) await this.ctx.afterSlice(lane.campaign.id);
  }

  private async prepare(campaignId: string): Promise<Lane | null> {
    const { db } = this.deps;
    let campaign = await repo.getCampaign(db, campaignId);
    if (!campaign) return null;
    const now = this.deps.now();
    if (campaign.status === 'scheduled') {
      if (campaign.scheduledAt && campaign.scheduledAt > now) {
        await this.ctx.kick(campaignId, campaign.scheduledAt);
        return null;
      }
      await db.transaction(async (tx) => {
        const c = await repo.lockCampaign(tx, campaignId);
        if (c?.status === 'scheduled') await repo.updateCampaign(tx, campaignId, { status: 'running' });
      });
      campaign = (await repo.getCampaign(db, campaignId))!;
    }
    if (campaign.status !== 'running') {
      if (campaign.status === 'cancelled') await this.ctx.recovery.settleOrphans(campaign);
      return null;
    }
    const [org, number] = await Promise.all([
      findOrganization(db, campaign.organizationId),
      findNumber(db, campaign.organizationId, campaign.numberId),
    ]);
    if (!org) return null;
    // A number disconnected since the launch is refused here too (number_not_active), not left running.
    const refusal = await this.deps.sendPolicy.senderRefusal(db, subjectOf(campaign));
    if (refusal) {
      await this.ctx.pause(campaignId, refusal.code);
      return null;
    }
    if (!number) return null;
    const chosen = await findTemplate(db, number.id, campaign.templateName, campaign.language);
    if (!chosen || chosen.status !== 'approved') {
      await this.ctx.pause(campaignId, 'template_not_approved');
      return null;
    }
    const template = await this.deps.messaging.resolveTemplate(number, chosen);
    const keys = campaign.quietHours ? (await dispatchRepo.outstanding(db, campaignId)).keys : [];
    // The plan's messagesPerSecond (F.1), read at every slice: a plan change applies to a running campaign.
    const numberRate = numberLimit(
      this.cfg.numberRatePerSecond,
      (await currentPlanOf(db, this.cfg.catalog, number.id))?.limits.messagesPerSecond,
    );
    return {
      campaign,
      org,
      number,
      template: { name: template.name, language: template.language, components: chosen.components },
      pace: this.ctx.pacing.paceOf(campaign, numberRate),
      numberRate,
      keys,
    };
  }
}
