import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { GroupedCalls } from '../../lib/grouped-calls.ts';
import { isUuid } from '../../lib/uuid.ts';

export interface ProgressUpdate {
  organizationId: string;
  /** Our message id (the ref Kaleyra echoes), when the callback carries one. */
  ref: string | null;
  providerMessageId: string | null;
  status: 'accepted' | 'sent' | 'delivered' | 'read';
  rank: number;
  at: Date;
}

/** Callbacks applied in one statement at most. */
const MAX_BATCH = 500;

/**
 * Applies the status callbacks that only move a message forward (accepted, sent, delivered, read) in groups: the
 * callbacks that arrive while one statement runs go together in the next one (three callbacks per campaign
 * message make a flood). Each caller's promise settles once its callback is written, so Kaleyra is answered
 * only after that, as before: a failed statement fails every callback in it, and Kaleyra delivers them again.
 */
export class ProgressBatcher {
  private readonly groups: GroupedCalls<ProgressUpdate, boolean>;

  constructor(db: Db) {
    this.groups = new GroupedCalls(async (updates) => {
      const ours = await applyProgressBatch(db, updates);
      return updates.map((_, i) => ours.has(i));
    }, MAX_BATCH);
  }

  /** Whether the message is ours (found by ref or by Kaleyra's id), once the update is recorded. */
  apply(update: ProgressUpdate): Promise<boolean> {
    const ref = update.ref && isUuid(update.ref) ? update.ref : null;
    if (!ref && !update.providerMessageId) return Promise.resolve(false);
    return this.groups.call({ ...update, ref });
  }
}

/**
 * One statement for many updates: finds each message by our ref or Kaleyra's id (within its organization),
 * records every event, and raises each message to the highest status of the batch when that is ahead of its own
 * (never over a final one; a concurrent change is re-checked by the update itself). Returns the positions of the
 * updates whose message is ours.
 */
async function applyProgressBatch(db: Db, updates: ProgressUpdate[]): Promise<Set<number>> {
  const col = <T>(f: (u: ProgressUpdate) => T) => sql.param(updates.map(f));
  const result = (await db.execute(sql`
    with u as (
      select * from unnest(${col((u) => u.organizationId)}::text[], ${col((u) => u.ref)}::uuid[], ${col((u) => u.providerMessageId)}::text[],
                           ${col((u) => u.status)}::text[], ${col((u) => u.rank)}::int[], ${col((u) => u.at.toISOString())}::timestamptz[])
        with ordinality as t(org, ref, pmid, status, rank, at, i)
    ), m as (
      select u.i, x.id, u.status, u.rank, u.at from u
      cross join lateral (
        select id from messages
        where organization_id = u.org and direction = 'outbound'
          and ((u.ref is not null and id = u.ref) or (u.pmid is not null and provider_message_id = u.pmid))
        limit 1
      ) x
    ), ev as (
      insert into message_events (message_id, status, at) select id, status, at from m
    ), best as (
      select id, max(rank) as rank from m group by id
    ), up as (
      update messages set status = case b.rank when 1 then 'accepted' when 2 then 'sent' when 3 then 'delivered' else 'read' end, updated_at = now()
      from best b
      where messages.id = b.id
        and (case messages.status when 'queued' then 0 when 'accepted' then 1 when 'sent' then 2 when 'delivered' then 3 when 'read' then 4 else 5 end) < b.rank
    )
    select i from m`)) as unknown as { rows: { i: string | number }[] } | { i: string | number }[];
  const rows = Array.isArray(result) ? result : result.rows;
  return new Set(rows.map((r) => Number(r.i) - 1));
}
