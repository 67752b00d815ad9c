import { sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Queue } from '../../queue/queue.ts';
import { DIRECT_FINAL, RECURRENT_FINAL } from '../billing/charge-state.ts';

export const RETENTION_JOB = 'privacy-retention';

const list = (xs: readonly string[]) =>
  sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  );

const monthsBefore = (d: Date, months: number) => {
  const x = new Date(d);
  x.setUTCMonth(x.getUTCMonth() - months);
  return x;
};

export type PurgeCounts = Record<'message_events' | 'messages' | 'conversations' | 'customer_windows' | 'campaigns' | 'charges', number>;

/**
 * Retention (docs/privacy.md, "Data retention"): message and campaign metadata older than RETENTION_METADATA_MONTHS is
 * deleted; charges (the bills) are kept for RETENTION_ACCOUNTING_YEARS and then deleted once final. Ledger
 * entries are the balance itself and hold no personal data: they are never purged here.
 */
export class RetentionService {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'RETENTION_METADATA_MONTHS' | 'RETENTION_ACCOUNTING_YEARS'>,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  cutoffs(now = this.now()) {
    return {
      metadata: monthsBefore(now, this.config.RETENTION_METADATA_MONTHS),
      accounting: monthsBefore(now, this.config.RETENTION_ACCOUNTING_YEARS * 12),
    };
  }

  async purge(now = this.now()): Promise<PurgeCounts> {
    const { metadata, accounting } = this.cutoffs(now);
    const counts = await this.db.transaction(async (tx) => {
      const run = async (q: ReturnType<typeof sql>) => ((await tx.execute(q)) as unknown as { rows: unknown[] }).rows.length;
      const c: PurgeCounts = { message_events: 0, messages: 0, conversations: 0, customer_windows: 0, campaigns: 0, charges: 0 };
      // Campaigns that ended before the cutoff, with their recipients and rejected rows (cascade).
      c.campaigns = await run(
        sql`delete from campaigns where status in ('completed', 'cancelled') and coalesce(finished_at, updated_at) < ${metadata} returning 1`,
      );
      // The messages first, locked: a status callback's event insert (its foreign-key check) waits until the purge
      // commits instead of adding an event between the two deletes below.
      await run(sql`select 1 from messages where created_at < ${metadata} for update`);
      c.message_events = await run(
        sql`delete from message_events where message_id in (select id from messages where created_at < ${metadata}) returning 1`,
      );
      c.messages = await run(sql`delete from messages where created_at < ${metadata} returning 1`);
      c.conversations = await run(sql`delete from conversations where expires_at < ${metadata} returning 1`);
      c.customer_windows = await run(sql`delete from customer_windows where last_inbound_at < ${metadata} returning 1`);
      c.charges = await run(
        // Only charges that can change no more (docs/billing.md): a live plan is never purged.
        sql`delete from charges where updated_at < ${accounting}
              and ((kind = 'direct' and status in (${list(DIRECT_FINAL)})) or (kind = 'recurrent' and status in (${list(RECURRENT_FINAL)}))) returning 1`,
      );
      return c;
    });
    this.log.info({ ...counts, metadataBefore: metadata.toISOString(), accountingBefore: accounting.toISOString() }, 'retention purge');
    return counts;
  }
}

/** A job run on `cron`, once per run across instances (pg-boss schedule). */
export async function registerScheduledJob(queue: Queue, name: string, cron: string, run: () => Promise<unknown>) {
  await queue.createQueue(name);
  await queue.schedule(name, cron);
  await queue.work(name, async () => {
    await run();
  });
}
