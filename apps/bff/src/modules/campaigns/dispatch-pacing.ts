import type { Db } from '../../db/client.ts';
import { sleep } from '../../providers/http.ts';
import type { CampaignRow } from './campaigns.repo.ts';
import type { DispatchConfig, Lane } from './dispatch-types.ts';
import * as slots from './send-slots.repo.ts';

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
 * The pace of a campaign's sends: send slots come from one row per number and one for the Kaleyra account
 * (dispatch_rate_slots), so all instances together stay under each number's limit and the account's; a send
 * window per number in this process is the gate every send passes right before its call.
 */
export class DispatchPacing {
  private readonly windows = new Map<string, SendWindow>();

  constructor(
    private readonly db: Db,
    private readonly cfg: DispatchConfig,
  ) {}

  paceOf(campaign: CampaignRow, numberRate: number): number {
    const limit = numberRate * this.cfg.paceSafety;
    return Math.min(campaign.ratePerSecond ?? limit, limit);
  }

  intervalsOf(lane: Lane) {
    return { number: 1000 / lane.pace, account: 1000 / (this.cfg.accountRatePerSecond * this.cfg.paceSafety) };
  }

  /** When the number's next free slot is (epoch ms), read from the shared slot row. */
  nextSlot(lane: Lane): Promise<number> {
    return slots.peekSlot(this.db, `number:${lane.number.id}`);
  }

  /** Takes n slots on the number's and the account's pacing keys; the i-th send goes at the later of both. */
  async slotsFor(lane: Lane, n: number): Promise<{ number: number; account: number }> {
    const nowMs = Date.now();
    const iv = this.intervalsOf(lane);
    const [number, account] = await Promise.all([
      slots.takeSlots(this.db, `number:${lane.number.id}`, n, iv.number, nowMs),
      slots.takeSlots(this.db, 'account', n, iv.account, nowMs),
    ]);
    return { number, account };
  }

  /**
   * A timer that fires late (a busy event loop) must not bunch up with the next ones: this process never
   * sends more than the number's limit in a rolling second. (Taking a fresh slot instead would push every
   * later slot back under sustained load.)
   */
  admit(lane: Lane): Promise<void> {
    const cap = Math.max(1, Math.floor(lane.numberRate * this.cfg.paceSafety));
    let window = this.windows.get(lane.number.id);
    if (!window || window.cap !== cap) this.windows.set(lane.number.id, (window = new SendWindow(cap)));
    return window.admit();
  }
}
