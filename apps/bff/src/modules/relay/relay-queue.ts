import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Queue } from '../../queue/queue.ts';
import { measureRelay } from './relay-latency.ts';

export const RELAY_JOBS = { inbound: 'relay-inbound', outbound: 'relay-outbound', failedReplies: 'relay-failed-replies' } as const;
type RelayQueueName = typeof RELAY_JOBS.inbound | typeof RELAY_JOBS.outbound;

/** Attempts of one relay job (LiveChat or Kaleyra down, the authorization waiting for a reconnect) before its loss is shown. */
export const RETRY_LIMIT = 8;
/**
 * A running job's worker refreshes its heartbeat (see `HEARTBEAT_REFRESH_SECONDS`); a job whose heartbeat stopped
 * this long ago (its instance died) is retried at the queue's next supervision pass instead of after its expiry.
 * Set on each job, not on the queue: creating a queue that exists already leaves its settings as they were.
 */
export const HEARTBEAT_SECONDS = 10;
/** Well inside the heartbeat: a busy event loop delays a refresh by seconds, not by the whole heartbeat. */
export const HEARTBEAT_REFRESH_SECONDS = 3;
const RELAY_JOB_OPTIONS = {
  retryLimit: RETRY_LIMIT,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 60,
  heartbeatSeconds: HEARTBEAT_SECONDS,
};

/** What every relay job carries. */
export interface RelayJobData {
  organizationId: string;
  /** The chat texts, sealed for the organization: the queue's tables never hold them in clear. */
  sealed: string;
  /** When the webhook arrived (ms since the epoch): the relay's latency is measured from it. */
  receivedAt?: number;
}

type Conn = Db | Tx;

/** A webhook's claim in the database (its unique key deduplicates deliveries). */
export interface Claim {
  /** The claim's unique key (provider message id, LiveChat event id): its job's id is made from it. */
  key: string;
  /** The customer's FIFO key in the queue. */
  fifoKey: string;
  /** Stores the claim; false when it was stored before. */
  take(conn: Conn): Promise<boolean>;
  /** Whether the claim stored before is still waiting to be relayed. */
  pending(conn: Conn): Promise<boolean>;
  /** Removes the claim, so the webhook delivered again finds it unclaimed. */
  forget(): Promise<void>;
}

/** A customer's FIFO key in the queue: a digest, so pg-boss's tables hold no phone number. */
export function keyOf(numberId: string, customer: string): string {
  return createHash('sha256').update(`${numberId}:${customer}`).digest('hex').slice(0, 32);
}

/** The namespace of the per-customer claim lock (the two-key form: it can never take another namespace's lock). */
const CLAIM_LOCK = 0x5e4d0010;

/**
 * Takes the customer's claim lock until `tx` ends. Claims of one customer are stored one at a time, so the order of
 * their sequence numbers is the order they commit in: a later message's job can never see the earlier message's
 * claim as not yet there and go first.
 */
export async function lockCustomerClaims(tx: Tx, fifoKey: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK}::int4, hashtext(${fifoKey}))`);
}

/** The job id of a claim: the same claim always names the same job, and pg-boss stores a job id once. */
function jobIdOf(name: string, claimKey: string): string {
  const h = createHash('sha256').update(`${name}:${claimKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * pg-boss's statements on the caller's transaction (its `db` option): the `$n` placeholders become parameters. A send
 * reads the queue's settings from pg-boss's cache (filled when the queue was created), so nothing of it runs outside
 * the transaction, which on the embedded database (one connection) would wait for the transaction to end.
 */
function onTransaction(tx: Tx) {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const parts = text.split(/\$(\d+)/);
      const query = sql.join(
        parts.map((part, i) => (i % 2 ? sql`${values[Number(part) - 1]}` : sql.raw(part))),
        sql.raw(''),
      );
      return { rows: ((await tx.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows };
    },
  };
}

/**
 * The relay's jobs: a webhook's claim and its job are stored together, and the job starts at once on a local
 * worker. An instance without workers relays within the webhook request instead.
 */
export class RelayQueue {
  private queue: Queue | null = null;
  private startNow: (queueName: string) => void = () => {};
  /** Without workers: each customer's relays in this instance, one after the other (the queue's FIFO stands in). */
  private readonly inlineRuns = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** `startNow` starts a job this instance just queued without waiting for the queue's poll. */
  attach(queue: Queue, startNow: (queueName: string) => void) {
    this.queue = queue;
    this.startNow = startNow;
  }

  /**
   * Claims a webhook and stores its job in one transaction, so a claim never stands without its job; then a local
   * worker starts it at once (the queue's poll is the backstop). The job's id is made from the claim: a webhook
   * delivered again while its claim is still pending stores the job again, which pg-boss keeps once, so a claim
   * whose job went missing is relayed then. 'replayed' when there was nothing left to do.
   */
  async claim(name: RelayQueueName, claim: Claim, data: RelayJobData, inline: () => Promise<void>): Promise<'queued' | 'replayed'> {
    const queue = this.queue;
    if (!queue) return this.claimInline(name, claim, data, inline);
    const options = { ...RELAY_JOB_OPTIONS, singletonKey: claim.fifoKey, id: jobIdOf(name, claim.key) };
    const queued = await this.db.transaction(async (tx) => {
      await lockCustomerClaims(tx, claim.fifoKey);
      if (!(await claim.take(tx)) && !(await claim.pending(tx))) return false;
      return (await queue.send(name, data, { ...options, db: onTransaction(tx) })) !== null;
    });
    if (queued) this.startNow(name);
    return queued ? 'queued' : 'replayed';
  }

  /** A development setup; instances with workers share the queue. A failure fails the webhook, which comes again. */
  private async claimInline(name: RelayQueueName, claim: Claim, data: RelayJobData, inline: () => Promise<void>) {
    if (!(await claim.take(this.db))) return 'replayed';
    const chain = `${name}:${claim.fifoKey}`;
    const run = (this.inlineRuns.get(chain) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => measureRelay(name === RELAY_JOBS.inbound ? 'inbound' : 'outbound', data.receivedAt, 0, this.log, inline));
    this.inlineRuns.set(chain, run);
    try {
      await run;
    } catch (err) {
      await claim.forget();
      throw err;
    } finally {
      if (this.inlineRuns.get(chain) === run) this.inlineRuns.delete(chain);
    }
    return 'queued';
  }

  /** Queues the job once more, to start shortly, behind what its customer has queued; false without workers. */
  async sendAgain(name: RelayQueueName, data: RelayJobData, fifoKey: string, delayMs: number): Promise<boolean> {
    if (!this.queue) return false;
    await this.queue.send(name, data, { ...RELAY_JOB_OPTIONS, singletonKey: fifoKey, startAfter: new Date(Date.now() + delayMs) });
    return true;
  }
}
