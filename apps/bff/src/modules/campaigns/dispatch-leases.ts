import type { Db } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';
import { sleep } from '../../providers/http.ts';
import * as dispatchRepo from './dispatch.repo.ts';

/**
 * Leases (dispatch_leases): a live dispatcher renews its own and its lanes' every RENEW_MS; LEASE_MS after a
 * process dies, any other instance takes over its lanes and its `sending` recipients.
 */
export const LEASE_MS = 2_500;
const RENEW_MS = 750;

/** This process and its lanes are alive: the leases one dispatcher holds, and the lanes it runs. */
export class DispatchLeases {
  private stopping = false;
  /** Lane lease keys this process runs, with how many of its jobs run each (a hand-over overlaps briefly). */
  private readonly laneJobs = new Map<string, number>();
  /** Lane leases another instance took over (this one stalled past its lease): their jobs stop. */
  private readonly lostLanes = new Set<string>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    /** This process's identity in dispatch_leases (its `sending` recipients carry it). */
    private readonly workerId: string,
  ) {}

  /** Takes this process's lease and keeps renewing it (with its lanes') until `stop`. */
  async start(): Promise<void> {
    await this.renew();
    this.heartbeat = setInterval(
      () => void this.renew().catch((err: Error) => this.log.warn({ err: err.message }, 'dispatch lease renewal failed')),
      RENEW_MS,
    );
    this.heartbeat.unref();
  }

  stop() {
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private async renew(): Promise<void> {
    const lanes = [...this.laneJobs.keys()];
    const now = Date.now();
    const held = await dispatchRepo.renewLeases(this.db, this.workerId, [`worker:${this.workerId}`, ...lanes], now + LEASE_MS, now);
    for (const k of lanes) if (!held.has(k)) this.lostLanes.add(k);
  }

  /** Gives up this process's leases at once (a clean shutdown), so others need not wait for them to lapse. */
  async release(): Promise<void> {
    await dispatchRepo.releaseLeases(this.db, this.workerId, [`worker:${this.workerId}`, ...this.laneJobs.keys()]);
  }

  /**
   * Joins a lane: takes its lease, or waits while the job before it (a hand-over from another instance, which
   * may overlap by `handoverMs`) ends. False when another live job keeps the lane: this one is redundant.
   */
  async enterLane(key: string, handoverMs: number): Promise<boolean> {
    const deadline = Date.now() + handoverMs + 2 * LEASE_MS;
    for (;;) {
      if ((this.laneJobs.get(key) ?? 0) > 0) break;
      const now = Date.now();
      if ((await dispatchRepo.renewLeases(this.db, this.workerId, [key], now + LEASE_MS, now)).has(key)) break;
      if (this.stopping || Date.now() > deadline) return false;
      await sleep(250);
    }
    this.lostLanes.delete(key);
    this.laneJobs.set(key, (this.laneJobs.get(key) ?? 0) + 1);
    return true;
  }

  async leaveLane(key: string): Promise<void> {
    const n = (this.laneJobs.get(key) ?? 1) - 1;
    if (n > 0) {
      this.laneJobs.set(key, n);
      return;
    }
    this.laneJobs.delete(key);
    const lost = this.lostLanes.delete(key);
    if (!lost) await dispatchRepo.releaseLeases(this.db, this.workerId, [key]).catch(() => {});
  }

  /** Another instance took this lane over (this one stalled past its lease). */
  lost(key: string): boolean {
    return this.lostLanes.has(key);
  }

  /** The live instance a lane is spread to: lanes go round the instances, each campaign starting elsewhere. */
  async preferredWorker(campaignId: string, lane: number): Promise<string | null> {
    const workers = await dispatchRepo.liveLeases(this.db, 'worker:', Date.now());
    if (workers.length <= 1) return null;
    let h = 0;
    for (const ch of campaignId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return workers[(lane + h) % workers.length]!.holder;
  }

  /** The ids of the live instances (this one included). */
  async liveWorkers(): Promise<Set<string>> {
    return new Set((await dispatchRepo.liveLeases(this.db, 'worker:', Date.now())).map((l) => l.holder));
  }

  /** The lanes of a campaign some live instance holds. */
  async heldLanes(campaignId: string): Promise<Set<number>> {
    return new Set(
      (await dispatchRepo.liveLeases(this.db, `lane:${campaignId}:`, Date.now())).map((l) =>
        Number(l.key.slice(l.key.lastIndexOf(':') + 1)),
      ),
    );
  }
}
