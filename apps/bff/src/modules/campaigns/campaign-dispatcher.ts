import { randomUUID } from 'node:crypto';
import { ErrorCode, type Catalog, type ConversationCategory } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { GroupedCalls } from '../../lib/grouped-calls.ts';
import type { Logger } from '../../lib/logger.ts';
import { recordCampaignOutcomes } from '../../lib/metrics.ts';
import { backoffMs, sleep } from '../../providers/http.ts';
import { ProviderError, type KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import type { Queue } from '../../queue/queue.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import { openConversationsAmong, type MessagingService, type NewConversation, type NewMessage } from '../messaging/messaging.service.ts';
import { findNumber, findTemplate } from '../numbers/numbers.service.ts';
import type { NumberRow } from '../../db/rows.ts';
import type { SendPolicy, SendSubject } from '../sending/send-policy.ts';
import { findOrganization } from '../organizations/organizations.service.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import * as repo from './campaigns.repo.ts';
import type { QuietHours } from './quiet-hours.ts';
import { currentPlanOf } from '../billing/billing.service.ts';
import { numberLimit } from './pace.ts';
import { campaignMessageParts } from '../templates/rich-send.ts';

export const DISPATCH_JOB = 'campaign-dispatch';
/** Each worker's own dispatch queue: a lane passed on to an instance reaches that instance, not whoever polls first. */
export const ownDispatchQueue = (workerId: string) => `${DISPATCH_JOB}.${workerId}`;

export interface DispatchConfig {
  numberRatePerSecond: number;
  /** Plans and their limits (F.1): a plan's messagesPerSecond lowers its numbers' pace. */
  catalog: Catalog;
  accountRatePerSecond: number;
  paceSafety: number;
  pairIntervalMs: number;
  claimTimeoutMs: number;
  /** How long a send whose outcome is unknown waits for Kaleyra's callbacks before it is sent again (v2). */
  confirmWindowMs: number;
  lanes: number;
  chargedCategories: readonly ConversationCategory[];
  windowHours: number;
  /** v1 status callback URL of an organization (Basic credentials as userinfo). */
  statusCallbackUrl: (org: OrganizationRow) => string;
}

export interface DispatchDeps {
  db: Db;
  ledger: LedgerService;
  messaging: MessagingService;
  /** The one send policy, asked at every claim inside its transaction. */
  sendPolicy: SendPolicy;
  kaleyra: KaleyraPort;
  quietHours: QuietHours;
  config: DispatchConfig;
  log: Logger;
  now: () => Date;
}

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
/**
 * Leases (dispatch_leases): a live dispatcher renews its own and its lanes' every RENEW_MS; LEASE_MS after a
 * process dies, any other instance takes over its lanes and its `sending` recipients.
 */
const LEASE_MS = 2_500;
const RENEW_MS = 750;
/** How often a lane looks for abandoned and confirming recipients. */
const RECOVER_MS = 2_000;
/** A lane job that lands on an instance other than the one its lane is spread to is passed on this often at most. */
const MAX_BOUNCES = 3;
/** Transient refusals (429, 5xx, timeouts) of one message before it counts as failed. */
const MAX_ATTEMPTS = 8;
/** Kaleyra refusals that concern the account or the number, not this recipient: the campaign pauses. */
const CAMPAIGN_LEVEL_CODES = new Set(['E110', 'WAV2101', 'RBC001', 'WA401']);

interface SendItem {
  recipientId: string;
  messageId: string;
  to: string;
  params: string[];
  attempts: number;
  /** When this claim was made (epoch ms). */
  claimedAtMs: number;
}

interface Lane {
  campaign: repo.CampaignRow;
  org: OrganizationRow;
  number: NumberRow;
  /** `components`: Meta's, for templates with a media header or button values (see templates/rich-send.ts). */
  template: { name: string; language: string; components?: Record<string, unknown>[] };
  /** Messages per second for this campaign. */
  pace: number;
  /** The number's limit (configuration and plan), before the safety margin. */
  numberRate: number;
  keys: string[];
}

type Outcome =
  | { kind: 'accepted'; item: SendItem; providerMessageId: string }
  | { kind: 'failed'; item: SendItem; code: string }
  | { kind: 'retry'; item: SendItem; notBefore: Date }
  | { kind: 'unknown'; item: SendItem }
  | { kind: 'pause'; item: SendItem; code: string }
  /** Not sent: the claim grew too old in memory, or was taken over; the recovery settles it. */
  | { kind: 'dropped'; item: SendItem };

/**
 * At most `cap` sends per rolling second from this process, in call order. Slots already space the sends; this
 * catches the timers a busy event loop fires late and would otherwise release in a bunch.
 */
class SendWindow {
  private readonly times: number[] = [];
  private chain: Promise<void> = Promise.resolve();
  /**
   * Sends that fell behind (a stalled event loop) catch up at twice the pace, never in one burst: a burst leaves
   * this process within the rolling second but reaches Kaleyra bunched with the sends that follow it.
   */
  private readonly minGapMs: number;

  constructor(readonly cap: number) {
    this.minGapMs = 500 / cap;
  }

  admit(): Promise<void> {
    const next = this.chain.then(async () => {
      for (;;) {
        const now = Date.now();
        while (this.times.length && now - this.times[0]! >= 1000) this.times.shift();
        const last = this.times.at(-1);
        if (last !== undefined && now - last < this.minGapMs) {
          await sleep(last + this.minGapMs - now);
          continue;
        }
        if (this.times.length < this.cap) {
          this.times.push(now);
          return;
        }
        await sleep(this.times[0]! + 1000 - now);
      }
    });
    this.chain = next.catch(() => {});
    return next;
  }
}

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
 */
export class CampaignDispatcher {
  private queue: Queue | null = null;
  private stopping = false;
  private readonly staleCheckedAt = new Map<string, number>();
  private readonly windows = new Map<string, SendWindow>();
  /** This process's identity in dispatch_leases (its `sending` recipients carry it). */
  readonly workerId = randomUUID();
  /** Lane lease keys this process runs, with how many of its jobs run each (a hand-over overlaps briefly). */
  private readonly laneJobs = new Map<string, number>();
  /** Lane leases another instance took over (this one stalled past its lease): their jobs stop. */
  private readonly lostLanes = new Set<string>();
  private heartbeat: NodeJS.Timeout | null = null;
  private sweeps = 0;
  /** Calls about to start, marked many to a statement when they come together (two numbers, several lanes). */
  private readonly callMarks: GroupedCalls<{ id: string; claimedAt: Date }, boolean>;
  /** Calls Kaleyra refused: their marks go, as nothing went out (no callback will ever tell). */
  private readonly callUnmarks: GroupedCalls<{ id: string; claimedAt: Date }, boolean>;

  constructor(private readonly deps: DispatchDeps) {
    this.callMarks = new GroupedCalls((rows) => repo.markCalled(deps.db, rows, deps.now(), this.workerId));
    this.callUnmarks = new GroupedCalls((rows) => repo.markCalled(deps.db, rows, null, this.workerId));
  }

  attach(queue: Queue) {
    this.queue = queue;
  }

  stop() {
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  // ---- leases: this process and its lanes are alive -------------------------------------------

  /** Takes this process's lease and keeps renewing it (with its lanes') until `stop`. */
  async startHeartbeat(): Promise<void> {
    await this.renewLeases();
    this.heartbeat = setInterval(
      () => void this.renewLeases().catch((err: Error) => this.deps.log.warn({ err: err.message }, 'dispatch lease renewal failed')),
      RENEW_MS,
    );
    this.heartbeat.unref();
  }

  private async renewLeases(): Promise<void> {
    const lanes = [...this.laneJobs.keys()];
    const now = Date.now();
    const held = await repo.renewLeases(this.deps.db, this.workerId, [`worker:${this.workerId}`, ...lanes], now + LEASE_MS, now);
    for (const k of lanes) if (!held.has(k)) this.lostLanes.add(k);
  }

  /** Gives up this process's leases at once (a clean shutdown), so others need not wait for them to lapse. */
  async releaseLeases(): Promise<void> {
    await repo.releaseLeases(this.deps.db, this.workerId, [`worker:${this.workerId}`, ...this.laneJobs.keys()]);
  }

  /**
   * Joins a lane: takes its lease, or waits while the job before it (a hand-over from another instance) ends.
   * False when another live job keeps the lane: this one is redundant.
   */
  private async enterLane(key: string): Promise<boolean> {
    const deadline = Date.now() + HANDOVER_MS + 2 * LEASE_MS;
    for (;;) {
      if ((this.laneJobs.get(key) ?? 0) > 0) break;
      const now = Date.now();
      if ((await repo.renewLeases(this.deps.db, this.workerId, [key], now + LEASE_MS, now)).has(key)) break;
      if (this.stopping || Date.now() > deadline) return false;
      await sleep(250);
    }
    this.lostLanes.delete(key);
    this.laneJobs.set(key, (this.laneJobs.get(key) ?? 0) + 1);
    return true;
  }

  private async leaveLane(key: string): Promise<void> {
    const n = (this.laneJobs.get(key) ?? 1) - 1;
    if (n > 0) {
      this.laneJobs.set(key, n);
      return;
    }
    this.laneJobs.delete(key);
    const lost = this.lostLanes.delete(key);
    if (!lost) await repo.releaseLeases(this.deps.db, this.workerId, [key]).catch(() => {});
  }

  /** The live instance a lane is spread to: lanes go round the instances, each campaign starting elsewhere. */
  private async preferredWorker(campaignId: string, lane: number): Promise<string | null> {
    const workers = await repo.liveLeases(this.deps.db, 'worker:', Date.now());
    if (workers.length <= 1) return null;
    let h = 0;
    for (const ch of campaignId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return workers[(lane + h) % workers.length]!.holder;
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

  private subjectOf(c: repo.CampaignRow): SendSubject {
    return { path: 'campaign_dispatch', organizationId: c.organizationId, numberId: c.numberId };
  }

  private paceOf(campaign: repo.CampaignRow, numberRate: number): number {
    const limit = numberRate * this.cfg.paceSafety;
    return Math.min(campaign.ratePerSecond ?? limit, limit);
  }

  private costOf(category: ConversationCategory) {
    return this.cfg.chargedCategories.includes(category) ? 1 : 0;
  }

  // ---- the lane: claim, pace, send, record ----------------------------------------------------

  /**
   * One pg-boss job: dispatches one lane for up to SLICE_MS, then hands over to a follow-up job or finishes.
   * A job that lands on another instance than the lane's is passed on (a few times at most), so the lanes of
   * a campaign spread over the instances.
   */
  async runLane(campaignId: string, laneNo = 0, bounce = 0): Promise<void> {
    if (bounce < MAX_BOUNCES) {
      const preferred = await this.preferredWorker(campaignId, laneNo);
      if (preferred && preferred !== this.workerId) {
        // Straight to that instance's own queue. Should it die first, the sweeper restarts the lane nobody holds.
        await this.kick(campaignId, undefined, [laneNo], bounce + 1, preferred);
        return;
      }
    }
    const key = `lane:${campaignId}:${laneNo}`;
    if (!(await this.enterLane(key))) return;
    try {
      await this.runLaneSlice(campaignId, key);
    } finally {
      await this.leaveLane(key);
    }
  }

  private async runLaneSlice(campaignId: string, key: string): Promise<void> {
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
          .then(() => this.record(lane, batch))
          .catch((err: Error) => this.deps.log.error({ err: err.message, campaignId }, 'recording outcomes failed'));
      return flushing;
    };
    const flusher = setInterval(() => void flush(), FLUSH_MS);
    let stopped = false;
    try {
      const batchSize = Math.max(1, Math.min(50, Math.round(lane.pace * 0.25)));
      // Claim only when the number's next free slot is near: a claimed recipient waits in memory meanwhile.
      // The shared slot row is read once; after that, this lane's own last slot tells when to claim again.
      let nextSlot = await repo.peekSlot(this.deps.db, `number:${lane.number.id}`);
      while (!this.stopping && Date.now() < deadline) {
        if (this.lostLanes.has(key)) {
          // Another instance runs this lane now (this one stalled past its lease): it carries on from here.
          stopped = true;
          break;
        }
        if (!handedOver && Date.now() > deadline - HANDOVER_MS) {
          handedOver = true;
          await this.kick(lane.campaign.id);
        }
        const ahead = nextSlot - Date.now() - LOOKAHEAD_MS;
        if (ahead > 0) {
          if (Date.now() + ahead > deadline) break;
          await sleep(ahead);
        }
        // A starved process (a busy machine) sends later than its slots: at most two seconds of sends wait in
        // memory, so claims never pile up (and never outlive the claim timeout there).
        while (inflight.size > Math.max(2 * batchSize, 2 * lane.pace)) await Promise.race(inflight);
        const claim = await this.claim(lane, batchSize);
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
        const first = await this.slotsFor(lane, n);
        const interval = this.intervalsOf(lane);
        let last = Date.now();
        nextSlot = first.number + n * interval.number;
        claim.items.forEach((item, i) => {
          const at = Math.max(first.number + i * interval.number, first.account + i * interval.account);
          last = Math.max(last, at);
          const p = this.sendAt(lane, item, at).then((o) => {
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
    if (!stopped) await this.afterSlice(lane.campaign.id);
  }

  private intervalsOf(lane: Lane) {
    return { number: 1000 / lane.pace, account: 1000 / (this.cfg.accountRatePerSecond * this.cfg.paceSafety) };
  }

  /** Takes n slots on the number's and the account's pacing keys; the i-th send goes at the later of both. */
  private async slotsFor(lane: Lane, n: number): Promise<{ number: number; account: number }> {
    const nowMs = Date.now();
    const iv = this.intervalsOf(lane);
    const [number, account] = await Promise.all([
      repo.takeSlots(this.deps.db, `number:${lane.number.id}`, n, iv.number, nowMs),
      repo.takeSlots(this.deps.db, 'account', n, iv.account, nowMs),
    ]);
    return { number, account };
  }

  private async prepare(campaignId: string): Promise<Lane | null> {
    const { db } = this.deps;
    let campaign = await repo.getCampaign(db, campaignId);
    if (!campaign) return null;
    const now = this.deps.now();
    if (campaign.status === 'scheduled') {
      if (campaign.scheduledAt && campaign.scheduledAt > now) {
        await this.kick(campaignId, campaign.scheduledAt);
        return null;
      }
      await db.transaction(async (tx) => {
        const c = await repo.lockCampaign(tx, campaignId);
        if (c?.status === 'scheduled') await repo.updateCampaign(tx, campaignId, { status: 'running' });
      });
      campaign = (await repo.getCampaign(db, campaignId))!;
    }
    if (campaign.status !== 'running') {
      if (campaign.status === 'cancelled') await this.settleOrphans(campaign);
      return null;
    }
    const [org, number] = await Promise.all([
      findOrganization(db, campaign.organizationId),
      findNumber(db, campaign.organizationId, campaign.numberId),
    ]);
    if (!org) return null;
    // A number disconnected since the launch is refused here too (number_not_active), not left running.
    const refusal = await this.deps.sendPolicy.senderRefusal(db, this.subjectOf(campaign));
    if (refusal) {
      await this.pause(campaignId, refusal.code);
      return null;
    }
    if (!number) return null;
    const chosen = await findTemplate(db, number.id, campaign.templateName, campaign.language);
    if (!chosen || chosen.status !== 'approved') {
      await this.pause(campaignId, 'template_not_approved');
      return null;
    }
    const template = await this.deps.messaging.resolveTemplate(number, chosen);
    const keys = campaign.quietHours ? (await repo.outstanding(db, campaignId)).keys : [];
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
      pace: this.paceOf(campaign, numberRate),
      numberRate,
      keys,
    };
  }

  private async sendAt(lane: Lane, item: SendItem, at: number): Promise<Outcome> {
    const wait = at - Date.now();
    if (wait > 0) await sleep(wait);
    const { number } = lane;
    const v1 = number.apiVersion === 'v1';
    // A claim that waited in memory for half the claim timeout is left to the recovery rather than raced.
    if (Date.now() - item.claimedAtMs > this.cfg.claimTimeoutMs / 2) return { kind: 'dropped', item };
    // A timer that fires late (a busy event loop) must not bunch up with the next ones: this process never
    // sends more than the number's limit in a rolling second. (Taking a fresh slot instead would push every
    // later slot back under sustained load.)
    const cap = Math.max(1, Math.floor(lane.numberRate * this.cfg.paceSafety));
    let window = this.windows.get(lane.number.id);
    if (!window || window.cap !== cap) this.windows.set(lane.number.id, (window = new SendWindow(cap)));
    await window.admit();
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
  private async record(lane: Lane, batch: Outcome[]): Promise<void> {
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
      await repo.acceptMessages(
        tx,
        accepted.map((o) => ({ messageId: o.item.messageId, providerMessageId: o.providerMessageId })),
        now,
      );
      await repo.markDispatched(
        tx,
        accepted.map((o) => ({ id: o.item.recipientId, messageId: o.item.messageId, status: 'sent' as const, reason: null })),
        now,
      );
      await this.fail(
        tx,
        failed.map((o) => ({ id: o.item.recipientId, messageId: o.item.messageId, code: o.code })),
        now,
      );
      await repo.markConfirming(
        tx,
        unknown.map((o) => o.item.recipientId),
        now,
      );
      // Never called from here: back to the queue at once, if this process still holds them (a cancelled
      // campaign's are settled by the sweeper's recovery).
      if (current?.status !== 'cancelled') {
        await repo.requeue(
          tx,
          dropped.map((o) => ({
            id: o.item.recipientId,
            messageId: o.item.messageId,
            notBefore: now,
            claimedAt: new Date(o.item.claimedAtMs),
          })),
          this.workerId,
        );
      }
      if (current?.status === 'cancelled') {
        // Cancelled while this send was being refused: it is not tried again, and its conversation goes back.
        for (const o of retry) await this.deps.messaging.applyStatusIn(tx, o.item.messageId, 'not_sent', 'not-sent', now);
        await repo.settleCancelled(
          tx,
          retry.map((o) => ({ id: o.item.recipientId, messageId: o.item.messageId })),
        );
      } else {
        await repo.requeue(
          tx,
          retry.map((o) => ({ id: o.item.recipientId, messageId: o.item.messageId, notBefore: o.kind === 'retry' ? o.notBefore : now })),
        );
      }
    });
    recordCampaignOutcomes(batch);
    if (pause) await this.pause(lane.campaign.id, pause.code);
    for (const o of failed)
      this.deps.log.warn({ campaignId: lane.campaign.id, messageId: o.item.messageId, code: o.code }, 'campaign message refused');
  }

  /** Definite failures: the message fails (its conversation is given back if it opened one), the recipient too. */
  private async fail(tx: Tx, rows: { id: string; messageId: string; code: string }[], now: Date) {
    for (const r of rows) await this.deps.messaging.applyStatusIn(tx, r.messageId, 'failed', r.code, now);
    await repo.markDispatched(
      tx,
      rows.map((r) => ({ id: r.id, messageId: r.messageId, status: 'failed' as const, reason: r.code })),
      now,
    );
  }

  async pause(campaignId: string, reason: string | null): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const c = await repo.lockCampaign(tx, campaignId);
      if (c && (c.status === 'running' || c.status === 'scheduled'))
        await repo.updateCampaign(tx, campaignId, { status: 'paused', pausedReason: reason });
    });
    if (reason) this.deps.log.warn({ campaignId, reason }, 'campaign paused');
  }

  // ---- claims -------------------------------------------------------------------------------------

  private allowedKeys(lane: Lane, now: Date): string[] | null {
    if (!lane.campaign.quietHours) return null;
    return lane.keys.filter((k) => this.deps.quietHours.isAllowed(k, now.getTime()));
  }

  private claim(lane: Lane, limit: number): Promise<{ stopped: boolean; items: SendItem[]; touched: boolean }> {
    const { db, ledger } = this.deps;
    const { campaign, number } = lane;
    return db.transaction(async (tx) => {
      // Lock order everywhere: campaign, recipients, messages, then the organization (the ledger's lock, taken
      // only when the balance itself is read or debited, so claims do not queue behind every other send).
      const c = await repo.lockCampaign(tx, campaign.id);
      if (!c || c.status !== 'running') return { stopped: true, items: [], touched: false };
      // The business, the number and its plan, as they are now: a refusal pauses with the code a send would get.
      const refusal = await this.deps.sendPolicy.senderRefusal(tx, this.subjectOf(c));
      if (refusal) {
        await repo.updateCampaign(tx, c.id, { status: 'paused', pausedReason: refusal.code });
        this.deps.log.warn({ campaignId: c.id, reason: refusal.code }, 'campaign paused');
        return { stopped: true, items: [], touched: false };
      }
      const now = this.deps.now();
      const items: SendItem[] = [];
      // Every claim says the campaign is alive (the sweeper restarts campaigns whose heartbeat went quiet).
      let heldAfter = c.reservedHeld;
      const finishClaim = async (touched: boolean) => {
        await repo.updateCampaign(tx, c.id, { heartbeatAt: now, ...(heldAfter !== c.reservedHeld ? { reservedHeld: heldAfter } : {}) });
        return { stopped: false, items, touched };
      };

      // 1. Recipients a dead dispatcher left in `sending`, and unknown outcomes the callbacks may have settled
      //    (looked at every couple of seconds, not every batch).
      if (now.getTime() - (this.staleCheckedAt.get(c.id) ?? 0) > RECOVER_MS) {
        this.staleCheckedAt.set(c.id, now.getTime());
        await this.recoverIn(tx, c, number.apiVersion, now, 'wait');
      }

      // 2. Due recipients, in file order, whose quiet hours (if any) are open.
      const room = limit - items.length;
      const due = room > 0 ? await repo.claimDue(tx, c.id, now, this.allowedKeys(lane, now), room) : [];
      if (!due.length) return finishClaim(false);

      // Opt-outs (F.4), restrictions (L.11c) and erased numbers that opted out (L.11b) recorded since the launch
      // count: each is skipped with the code the send policy refuses it with on every path.
      const refused = await this.deps.sendPolicy.recipientRefusals(
        tx,
        this.subjectOf(c),
        due.map((r) => r.recipient),
      );
      const skipped = due.filter((r) => refused.has(r.recipient));
      for (const r of skipped) {
        if (r.messageId) await this.deps.messaging.applyStatusIn(tx, r.messageId, 'not_sent', 'not-sent', now);
        await repo.updateRecipients(tx, [r.id], {
          status: 'skipped',
          reason: refused.get(r.recipient)!.code,
          variables: null,
          claimedAt: null,
        });
      }
      let rest = due.filter((r) => !refused.has(r.recipient));

      // Meta's pair rate: one message per recipient every few seconds from this number.
      if (this.cfg.pairIntervalMs > 0 && rest.length) {
        const recent = await repo.lastSentTo(
          tx,
          c.organizationId,
          number.id,
          rest.map((r) => r.recipient),
          new Date(now.getTime() - this.cfg.pairIntervalMs),
          rest.map((r) => r.messageId).filter((x): x is string => !!x),
        );
        if (recent.size) {
          const wait = rest.filter((r) => recent.has(r.recipient));
          for (const r of wait) {
            await repo.updateRecipients(tx, [r.id], {
              notBefore: new Date(recent.get(r.recipient)!.getTime() + this.cfg.pairIntervalMs + Math.random() * 500),
            });
          }
          rest = rest.filter((r) => !recent.has(r.recipient));
        }
      }
      if (!rest.length) return finishClaim(true);

      // Recipients whose message exists already (a transient refusal earlier) keep it, and its ref.
      const again = rest.filter((r) => r.messageId);
      const fresh = rest.filter((r) => !r.messageId);
      const sending: { id: string; messageId: string; attempts: number }[] = [];
      for (const r of again) {
        sending.push({ id: r.id, messageId: r.messageId!, attempts: r.attempts + 1 });
        items.push({
          recipientId: r.id,
          messageId: r.messageId!,
          to: r.recipient,
          params: r.variables ?? [],
          attempts: r.attempts + 1,
          claimedAtMs: now.getTime(),
        });
      }

      if (fresh.length) {
        const category = c.category as ConversationCategory;
        const open = await openConversationsAmong(
          tx,
          number.id,
          category,
          fresh.map((r) => r.recipient),
          now,
        );
        const opening = fresh.filter((r) => !open.has(r.recipient));
        const cost = this.costOf(category);
        let covered = cost ? Math.min(opening.length, c.reservedHeld) : 0;
        let uncovered = cost ? opening.length - covered : 0;
        let refused = new Set<string>();
        if (uncovered > 0) {
          // A window that closed after the launch needs a conversation the reservation did not count.
          const { available } = await this.deps.sendPolicy.fundsFor(tx, c.organizationId, uncovered);
          if (available < uncovered) {
            refused = new Set(opening.slice(covered + available).map((r) => r.id));
            uncovered = available;
          }
        }
        if (refused.size) {
          await repo.updateRecipients(tx, [...refused], {
            status: 'failed',
            reason: ErrorCode.insufficientBalance,
            variables: null,
            claimedAt: null,
            dispatchedAt: now,
          });
        }
        const expires = new Date(now.getTime() + this.cfg.windowHours * 3_600_000);
        const newConversations: NewConversation[] = [];
        const newMessages: NewMessage[] = [];
        const entries: Parameters<LedgerService['appendManyIn']>[2] = [];
        let converted = 0;
        for (const r of fresh) {
          if (refused.has(r.id)) continue;
          const messageId = randomUUID();
          let conversationId = open.get(r.recipient);
          if (!conversationId) {
            conversationId = randomUUID();
            newConversations.push({
              id: conversationId,
              organizationId: c.organizationId,
              numberId: number.id,
              recipient: r.recipient,
              category,
              openedAt: now,
              expiresAt: expires,
              cost,
              openingMessageId: messageId,
            });
            if (cost) {
              if (converted < covered) {
                converted++;
                entries.push({
                  delta: 1,
                  reason: 'reservation_released',
                  key: `campaign-convert:${conversationId}`,
                  reference: c.id,
                  numberId: number.id,
                });
              }
              entries.push({
                delta: -1,
                reason: 'conversation_opened',
                key: `conversation:${conversationId}`,
                reference: conversationId,
                numberId: number.id,
              });
            }
          }
          newMessages.push({
            id: messageId,
            organizationId: c.organizationId,
            numberId: number.id,
            conversationId,
            recipient: r.recipient,
            direction: 'outbound',
            kind: 'template',
            templateName: lane.template.name,
            category,
            status: 'queued',
            clientRef: `campaign:${r.id}:${r.round}`,
            accountId: c.createdBy,
            createdAt: now,
            updatedAt: now,
          });
          sending.push({ id: r.id, messageId, attempts: r.attempts + 1 });
          items.push({
            recipientId: r.id,
            messageId,
            to: r.recipient,
            params: r.variables ?? [],
            attempts: r.attempts + 1,
            claimedAtMs: now.getTime(),
          });
        }
        covered = converted;
        await this.deps.messaging.recordBatchIn(tx, newConversations, newMessages, now);
        if (entries.length) await ledger.appendManyIn(tx, c.organizationId, entries);
        heldAfter = c.reservedHeld - covered;
      }
      await repo.markSending(tx, sending, now, this.workerId);
      return finishClaim(true);
    });
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
    const abandoned = await repo.claimAbandoned(
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
        await repo.settleCancelled(
          tx,
          neverCalled.map((r) => ({ id: r.id, messageId: r.messageId! })),
        );
      } else {
        await repo.requeue(
          tx,
          neverCalled.map((r) => ({ id: r.id, messageId: r.messageId!, notBefore: now })),
        );
      }
      await repo.markConfirming(
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
    const ready = await repo.confirmable(tx, c.id, new Date(now.getTime() - this.cfg.confirmWindowMs), 500);
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
    await repo.markDispatched(tx, settled, now);
    await repo.requeue(tx, again);
    await repo.settleCancelled(tx, cancelled);
    if (again.length)
      this.deps.log.warn(
        { campaignId: c.id, count: again.length },
        'no word from Kaleyra within the confirmation window: sending again with the same ref',
      );
  }

  /** A cancelled campaign's rows left `sending` or `confirming`: settled from the callbacks, else cancelled. */
  private async settleOrphans(campaign: repo.CampaignRow) {
    const number = await findNumber(this.deps.db, campaign.organizationId, campaign.numberId);
    await this.deps.db.transaction(async (tx) => {
      await this.recoverIn(tx, campaign, number?.apiVersion ?? 'v2', this.deps.now(), 'cancel');
    });
  }

  // ---- after a slice: hand over, wait, or finish ----------------------------------------------

  private async afterSlice(campaignId: string): Promise<void> {
    const { db } = this.deps;
    const out = await repo.outstanding(db, campaignId);
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
      const out = await repo.outstanding(tx, campaignId);
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
        const held = new Set(
          (await repo.liveLeases(db, `lane:${c.id}:`, Date.now())).map((l) => Number(l.key.slice(l.key.lastIndexOf(':') + 1))),
        );
        const dead = Array.from({ length: this.cfg.lanes }, (_, i) => i).filter((i) => !held.has(i));
        if (dead.length) await this.kick(c.id, undefined, dead);
      } else if (c.finishedAt && now.getTime() - c.finishedAt.getTime() < 86_400_000) {
        await this.settleOrphans(c);
      }
    }
    if (thorough) {
      await repo.deleteDraftsOlderThan(db, new Date(now.getTime() - 86_400_000));
      await repo.deleteLeasesExpiredBefore(db, Date.now() - 3_600_000);
    }
  }
}

/** pg-boss wiring: the dispatch queue and the sweeper, in instances that run workers. */
export async function startCampaignWorkers(
  queue: Queue,
  dispatcher: CampaignDispatcher,
  log: Logger,
  options: { concurrency?: number; sweepMs?: number } = {},
) {
  const own = ownDispatchQueue(dispatcher.workerId);
  for (const name of [DISPATCH_JOB, own]) await queue.createQueue(name, { policy: 'short', retryLimit: 0, expireInSeconds: 300 });
  dispatcher.attach(queue);
  // The lease first: recipients this process claims carry its id, and others must see it alive.
  await dispatcher.startHeartbeat();
  for (const name of [DISPATCH_JOB, own]) {
    await queue.work<{ campaignId: string; lane?: number; bounce?: number }>(
      name,
      { localConcurrency: options.concurrency ?? 4, pollingIntervalSeconds: 0.5, batchSize: 1 },
      async ([job]) => {
        if (!job) return;
        await dispatcher.runLane(job.data.campaignId, job.data.lane ?? 0, job.data.bounce ?? 0);
      },
    );
  }
  const sweep = () => dispatcher.sweep().catch((err: Error) => log.warn({ err: err.message }, 'campaign sweep failed'));
  const timer = setInterval(sweep, options.sweepMs ?? 1_000);
  timer.unref();
  queue.on('stopped', () => {
    clearInterval(timer);
    dispatcher.stop();
    void dispatcher.releaseLeases().catch(() => {});
  });
  await sweep();
}
