import { and, asc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { campaignRecipients, dispatchLeases, messages } from '../../db/schema.ts';
import { rowsOf, toDate, type Conn } from './campaigns.repo.ts';

/**
 * What the dispatcher reads and writes while it sends: claims, the marks of a send's progress (sending, called,
 * confirming, dispatched, requeued), and the leases that say which dispatcher is alive and runs which lane.
 */

// ---- claims and marks ------------------------------------------------------------------------

export interface ClaimRow {
  id: string;
  recipient: string;
  variables: string[] | null;
  messageId: string | null;
  attempts: number;
  round: number;
  claimedAt: Date | null;
  calledAt: Date | null;
  policyKey: string | null;
}

const claimColumns = {
  id: campaignRecipients.id,
  recipient: campaignRecipients.recipient,
  variables: campaignRecipients.variables,
  messageId: campaignRecipients.messageId,
  attempts: campaignRecipients.attempts,
  round: campaignRecipients.round,
  claimedAt: campaignRecipients.claimedAt,
  calledAt: campaignRecipients.calledAt,
  policyKey: campaignRecipients.policyKey,
};

/**
 * Claims due recipients in file order. SKIP LOCKED lets every dispatcher of the campaign (any instance) take a
 * different batch; the status change to `sending` in the same transaction makes the claim stick.
 * `allowedKeys` null means no quiet hours; otherwise only these groups (plus rows without a group) qualify.
 */
export function claimDue(tx: Tx, campaignId: string, now: Date, allowedKeys: string[] | null, limit: number): Promise<ClaimRow[]> {
  const keyFilter =
    allowedKeys === null
      ? undefined
      : allowedKeys.length
        ? sql`(${campaignRecipients.policyKey} is null or ${campaignRecipients.policyKey} in ${allowedKeys})`
        : sql`${campaignRecipients.policyKey} is null`;
  return tx
    .select(claimColumns)
    .from(campaignRecipients)
    .where(
      and(
        eq(campaignRecipients.campaignId, campaignId),
        eq(campaignRecipients.status, 'pending'),
        lte(campaignRecipients.notBefore, now),
        keyFilter,
      ),
    )
    .orderBy(asc(campaignRecipients.seq))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/**
 * `sending` recipients nobody is working on any more: their dispatcher's lease lapsed (the process died), or
 * (the backstop for a live but stuck one) they were claimed before `before`. `self` never counts as dead: a
 * process that reads its own lease as lapsed was only slow to renew it.
 */
export async function claimAbandoned(
  tx: Tx,
  campaignId: string,
  before: Date,
  nowMs: number,
  limit: number,
  self: string,
): Promise<ClaimRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    tx,
    sql`select r.id, r.recipient, r.variables, r.message_id, r.attempts, r.round, r.policy_key,
               (extract(epoch from r.claimed_at) * 1000)::float8 as claimed_ms, (extract(epoch from r.called_at) * 1000)::float8 as called_ms
        from campaign_recipients r
        where r.campaign_id = ${campaignId}::uuid and r.status = 'sending'
          and (r.claimed_at < ${before.toISOString()}::timestamptz
               or (r.claimed_by is not null and r.claimed_by <> ${self} and not exists (
                 select 1 from dispatch_leases l where l.key = 'worker:' || r.claimed_by and l.expires_at > ${nowMs}::float8)))
        order by r.seq limit ${limit}
        for update of r skip locked`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    recipient: String(r.recipient),
    variables: (r.variables as string[] | null) ?? null,
    messageId: (r.message_id as string | null) ?? null,
    attempts: Number(r.attempts),
    round: Number(r.round),
    claimedAt: toDate(r.claimed_ms),
    calledAt: toDate(r.called_ms),
    policyKey: (r.policy_key as string | null) ?? null,
  }));
}

/**
 * Recipients whose send has an unknown outcome wait as `confirming` (no holder) for Kaleyra's status callbacks.
 * `since` starts the confirmation window (the claim, or now); null keeps the claim time.
 */
export async function markConfirming(tx: Tx, ids: string[], since: Date | null): Promise<void> {
  if (!ids.length) return;
  await tx.execute(sql`
    update campaign_recipients set status = 'confirming', claimed_by = null,
      claimed_at = ${since ? sql`${since.toISOString()}::timestamptz` : sql`claimed_at`}, updated_at = now()
    where id = any(${sql.param(ids)}::uuid[]) and status in ('sending', 'confirming')`);
}

export interface ConfirmRow {
  id: string;
  messageId: string;
  /** The message's status as the callbacks left it (`queued`: nothing heard). */
  messageStatus: string;
  errorCode: string | null;
}

/**
 * `confirming` recipients ready to settle: Kaleyra told us something about their message, or the window
 * (claims before `expiredBefore`) ran out. Locked, so one dispatcher settles each.
 */
export async function confirmable(tx: Tx, campaignId: string, expiredBefore: Date, limit: number): Promise<ConfirmRow[]> {
  const rows = await rowsOf<{ id: string; message_id: string; status: string; error_code: string | null }>(
    tx,
    sql`select r.id, r.message_id, m.status, m.error_code from campaign_recipients r join messages m on m.id = r.message_id
        where r.campaign_id = ${campaignId}::uuid and r.status = 'confirming'
          and (m.status <> 'queued' or r.claimed_at < ${expiredBefore.toISOString()}::timestamptz)
        order by r.seq limit ${limit}
        for update of r skip locked`,
  );
  return rows.map((r) => ({ id: r.id, messageId: r.message_id, messageStatus: r.status, errorCode: r.error_code }));
}

/** Marks claimed rows as being sent, each with its message. */
export async function markSending(
  tx: Tx,
  rows: { id: string; messageId: string; attempts: number }[],
  now: Date,
  holder: string,
): Promise<void> {
  if (!rows.length) return;
  await tx.execute(sql`
    update campaign_recipients r set status = 'sending', message_id = t.m, attempts = t.a, claimed_at = ${now.toISOString()}::timestamptz,
      claimed_by = ${holder}, updated_at = now()
    from unnest(${sql.param(rows.map((r) => r.id))}::uuid[], ${sql.param(rows.map((r) => r.messageId))}::uuid[], ${sql.param(rows.map((r) => r.attempts))}::int[]) as t(id, m, a)
    where r.id = t.id`);
}

/**
 * Part G: the values go in the same statement that records the dispatch. Only rows still on the way (`sending`,
 * or `confirming` after a takeover) with this message change, so a late answer never overrides a
 * reconciliation that already settled the recipient.
 */
export async function markDispatched(
  tx: Tx,
  rows: { id: string; messageId: string; status: 'sent' | 'failed'; reason: string | null }[],
  now: Date,
): Promise<string[]> {
  if (!rows.length) return [];
  const updated = await rowsOf<{ id: string }>(
    tx,
    sql`
    update campaign_recipients r set status = t.s, reason = t.c, variables = null, dispatched_at = ${now.toISOString()}::timestamptz,
      claimed_at = null, claimed_by = null, updated_at = now()
    from unnest(${sql.param(rows.map((r) => r.id))}::uuid[], ${sql.param(rows.map((r) => r.messageId))}::uuid[],
                ${sql.param(rows.map((r) => r.status))}::text[], ${sql.param(rows.map((r) => r.reason))}::text[]) as t(id, m, s, c)
    where r.id = t.id and r.status in ('sending', 'confirming') and r.message_id = t.m
    returning r.id`,
  );
  return updated.map((r) => r.id);
}

/**
 * Provider calls about to start (see campaignRecipients.calledAt), one statement for many; with `at` null, calls
 * Kaleyra answered without accepting the message (nothing went out: a takeover may send it at once). Answers, per
 * row, whether its claim (`holder`, `claimedAt`) still holds it; one that does not was taken over, and perhaps
 * claimed again, and is not called.
 */
export async function markCalled(conn: Conn, rows: { id: string; claimedAt: Date }[], at: Date | null, holder: string): Promise<boolean[]> {
  if (!rows.length) return [];
  const marked = await rowsOf<{ id: string }>(
    conn,
    sql`update campaign_recipients r set called_at = ${at ? at.toISOString() : null}::timestamptz
        from unnest(${sql.param(rows.map((r) => r.id))}::uuid[], ${sql.param(rows.map((r) => r.claimedAt.toISOString()))}::timestamptz[]) as t(id, ca)
        where r.id = t.id and r.status = 'sending' and r.claimed_by = ${holder} and r.claimed_at = t.ca
        returning r.id`,
  );
  const held = new Set(marked.map((r) => String(r.id)));
  return rows.map((r) => held.has(r.id));
}

/**
 * Back to the queue after a transient refusal: same message (same idempotency ref), later. With `holder`, only
 * rows that dispatcher still holds (a send it never started).
 */
export async function requeue(
  tx: Tx,
  rows: { id: string; messageId: string; notBefore: Date; claimedAt?: Date }[],
  holder?: string,
): Promise<void> {
  if (!rows.length) return;
  await tx.execute(sql`
    update campaign_recipients r set status = 'pending', not_before = t.nb, claimed_at = null, claimed_by = null, updated_at = now()
    from unnest(${sql.param(rows.map((r) => r.id))}::uuid[], ${sql.param(rows.map((r) => r.messageId))}::uuid[],
                ${sql.param(rows.map((r) => r.notBefore.toISOString()))}::timestamptz[],
                ${sql.param(rows.map((r) => (r.claimedAt ?? r.notBefore).toISOString()))}::timestamptz[]) as t(id, m, nb, ca)
    where r.id = t.id and r.status in ('sending', 'confirming') and r.message_id = t.m
      ${holder === undefined ? sql`` : sql`and r.status = 'sending' and r.claimed_by = ${holder} and r.claimed_at = t.ca`}`);
}

/** Rows of a cancelled campaign whose send was in flight and did not go out: cancelled, values erased. */
export async function settleCancelled(tx: Tx, rows: { id: string; messageId: string }[]): Promise<void> {
  if (!rows.length) return;
  await tx.execute(sql`
    update campaign_recipients r set status = 'cancelled', reason = 'cancelled', variables = null, claimed_at = null, claimed_by = null, updated_at = now()
    from unnest(${sql.param(rows.map((r) => r.id))}::uuid[], ${sql.param(rows.map((r) => r.messageId))}::uuid[]) as t(id, m)
    where r.id = t.id and r.status in ('sending', 'confirming') and r.message_id = t.m`);
}

/** Accepted messages: provider id and `accepted` where nothing later arrived first (callbacks can overtake us). */
export async function acceptMessages(tx: Tx, rows: { messageId: string; providerMessageId: string }[], now: Date): Promise<void> {
  if (!rows.length) return;
  const ids = sql.param(rows.map((r) => r.messageId));
  await tx.execute(sql`
    update messages m set provider_message_id = t.p, status = case when m.status = 'queued' then 'accepted' else m.status end, updated_at = now()
    from unnest(${ids}::uuid[], ${sql.param(rows.map((r) => r.providerMessageId))}::text[]) as t(id, p)
    where m.id = t.id`);
  await tx.execute(sql`
    insert into message_events (message_id, status, at)
    select id, 'accepted', ${now.toISOString()}::timestamptz from unnest(${ids}::uuid[]) as t(id)`);
}

export async function messagesByIds(conn: Conn, ids: string[]) {
  if (!ids.length) return [];
  return conn.select().from(messages).where(inArray(messages.id, ids));
}

/** Counts of recipients still on the way (`sending` includes `confirming`), and when the earliest waiting one is due. */
export async function outstanding(
  conn: Conn,
  campaignId: string,
): Promise<{ pending: number; sending: number; confirming: number; nextDueAt: Date | null; keys: string[] }> {
  const rows = await rowsOf<{ status: string; n: string | number; due: number | null; keys: string[] | null }>(
    conn,
    sql`select status, count(*) as n, (extract(epoch from min(not_before)) * 1000)::float8 as due,
               array_agg(distinct policy_key) filter (where policy_key is not null) as keys
        from campaign_recipients where campaign_id = ${campaignId}::uuid and status in ('pending', 'sending', 'confirming') group by status`,
  );
  const pending = rows.find((r) => r.status === 'pending');
  const sending = rows.find((r) => r.status === 'sending');
  const confirming = rows.find((r) => r.status === 'confirming');
  return {
    pending: Number(pending?.n ?? 0),
    sending: Number(sending?.n ?? 0) + Number(confirming?.n ?? 0),
    confirming: Number(confirming?.n ?? 0),
    nextDueAt: pending?.due ? new Date(Number(pending.due)) : null,
    keys: pending?.keys ?? [],
  };
}

/**
 * Latest outbound message per recipient from this number since `since` (Meta's per-pair rate). The organization
 * leads the (organization, recipient, created_at) index, so this stays an index look-up however many messages
 * the business has sent.
 */
export async function lastSentTo(
  conn: Conn,
  organizationId: string,
  numberId: string,
  recipients: string[],
  since: Date,
  excludeIds: string[],
): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  if (!recipients.length) return out;
  const rows = await rowsOf<{ recipient: string; at: number }>(
    conn,
    sql`select recipient, (extract(epoch from max(created_at)) * 1000)::float8 as at from messages
        where organization_id = ${organizationId} and number_id = ${numberId}::uuid and direction = 'outbound' and created_at >= ${since.toISOString()}::timestamptz
          and recipient = any(${sql.param(recipients)}::text[])
          and status not in ('failed', 'not_sent')
          and not (id = any(${sql.param(excludeIds)}::uuid[]))
        group by recipient`,
  );
  for (const r of rows) out.set(r.recipient, new Date(Number(r.at)));
  return out;
}

// ---- leases (which dispatcher is alive, who runs which lane) --------------------------------------

/**
 * Takes or renews leases for `holder` until `expiresAt` (epoch ms), in one statement; returns the keys it holds
 * now. A key held by someone else is taken only once their lease lapsed.
 */
export async function renewLeases(conn: Conn, holder: string, keys: string[], expiresAt: number, nowMs: number): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await rowsOf<{ key: string }>(
    conn,
    sql`insert into dispatch_leases (key, holder, expires_at) select k, ${holder}, ${expiresAt}::float8 from unnest(${sql.param(keys)}::text[]) as t(k)
        on conflict (key) do update set holder = excluded.holder, expires_at = excluded.expires_at
        where dispatch_leases.holder = excluded.holder or dispatch_leases.expires_at <= ${nowMs}::float8
        returning key`,
  );
  return new Set(rows.map((r) => r.key));
}

export async function releaseLeases(conn: Conn, holder: string, keys: string[]): Promise<void> {
  if (!keys.length) return;
  await conn.delete(dispatchLeases).where(and(eq(dispatchLeases.holder, holder), inArray(dispatchLeases.key, keys)));
}

/** Live holders of the keys starting with `prefix`, with their keys. */
export async function liveLeases(conn: Conn, prefix: string, nowMs: number): Promise<{ key: string; holder: string }[]> {
  return rowsOf<{ key: string; holder: string }>(
    conn,
    sql`select key, holder from dispatch_leases where key like ${`${prefix}%`} and expires_at > ${nowMs}::float8 order by key`,
  );
}

export async function deleteLeasesExpiredBefore(conn: Conn, beforeMs: number): Promise<void> {
  await conn.delete(dispatchLeases).where(lt(dispatchLeases.expiresAt, beforeMs));
}
