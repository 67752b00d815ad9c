import { and, asc, desc, eq, inArray, isNotNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { RecipientStatus } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { campaignRecipients, campaignRejections, campaigns, dispatchLeases, dispatchRateSlots, messages } from '../../db/schema.ts';
import type { RejectedRow } from '@wa/contracts';
import type { ValidRows } from './recipient-file.ts';

type Conn = Db | Tx;
export type CampaignRow = typeof campaigns.$inferSelect;
export type NewCampaign = typeof campaigns.$inferInsert;
export type RecipientRow = typeof campaignRecipients.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHUNK = 5_000;

async function rowsOf<T>(conn: Conn, query: SQL): Promise<T[]> {
  const result = (await conn.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

// ---- campaigns -------------------------------------------------------------------------------

export async function insertCampaign(conn: Conn, values: NewCampaign): Promise<CampaignRow> {
  const [row] = await conn.insert(campaigns).values(values).returning();
  if (!row) throw new Error('campaign insert failed');
  return row;
}

/** A campaign of this organization, or undefined (another tenant's id reads as absent). */
export async function findCampaign(conn: Conn, organizationId: string, id: string): Promise<CampaignRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await conn
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.id, id), eq(campaigns.organizationId, organizationId)));
  return row;
}

export async function getCampaign(conn: Conn, id: string): Promise<CampaignRow | undefined> {
  const [row] = await conn.select().from(campaigns).where(eq(campaigns.id, id));
  return row;
}

/** Row lock: launches, pauses, cancels and dispatch claims of one campaign apply one at a time. */
export async function lockCampaign(tx: Tx, id: string): Promise<CampaignRow | undefined> {
  const [row] = await tx.select().from(campaigns).where(eq(campaigns.id, id)).for('update');
  return row;
}

export async function updateCampaign(conn: Conn, id: string, values: Partial<NewCampaign>): Promise<void> {
  await conn
    .update(campaigns)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(campaigns.id, id));
}

export function listCampaigns(conn: Conn, organizationId: string, limit = 100): Promise<CampaignRow[]> {
  return conn.select().from(campaigns).where(eq(campaigns.organizationId, organizationId)).orderBy(desc(campaigns.createdAt)).limit(limit);
}

export async function deleteCampaign(conn: Conn, id: string): Promise<void> {
  await conn.delete(campaigns).where(eq(campaigns.id, id));
}

/** Drafts nobody launched: their rows still hold variable values, so they do not linger (Part G). */
export async function deleteDraftsOlderThan(conn: Conn, before: Date): Promise<number> {
  const rows = await conn
    .delete(campaigns)
    .where(and(eq(campaigns.status, 'draft'), lt(campaigns.createdAt, before)))
    .returning({ id: campaigns.id });
  return rows.length;
}

export function campaignsInStatus(conn: Conn, statuses: CampaignRow['status'][]): Promise<CampaignRow[]> {
  return conn.select().from(campaigns).where(inArray(campaigns.status, statuses));
}

// ---- recipients: creation --------------------------------------------------------------------

/** Inserts the valid rows in file order (seq 1..n), a few thousand per statement through unnest. */
export async function insertRecipients(tx: Tx, campaignId: string, organizationId: string, valid: ValidRows): Promise<void> {
  for (let from = 0; from < valid.e164.length; from += CHUNK) {
    const to = Math.min(valid.e164.length, from + CHUNK);
    const seq: number[] = [];
    for (let i = from; i < to; i++) seq.push(i + 1);
    await tx.execute(sql`
      insert into campaign_recipients (campaign_id, organization_id, seq, line, recipient, country, policy_key, variables)
      select ${campaignId}::uuid, ${organizationId}, s, l, r, c, k, v::jsonb
      from unnest(${sql.param(seq)}::int[], ${sql.param(valid.line.slice(from, to))}::int[], ${sql.param(valid.e164.slice(from, to))}::text[],
                  ${sql.param(valid.country.slice(from, to))}::text[], ${sql.param(valid.policyKey.slice(from, to))}::text[],
                  ${sql.param(valid.variables.slice(from, to))}::text[]) as t(s, l, r, c, k, v)`);
  }
}

export async function insertRejections(tx: Tx, campaignId: string, rejected: RejectedRow[]): Promise<void> {
  for (let from = 0; from < rejected.length; from += CHUNK) {
    const part = rejected.slice(from, from + CHUNK);
    await tx.execute(sql`
      insert into campaign_rejections (campaign_id, line, phone, kind, reason)
      select ${campaignId}::uuid, l, p, k, r
      from unnest(${sql.param(part.map((x) => x.line))}::int[], ${sql.param(part.map((x) => x.phone))}::text[],
                  ${sql.param(part.map((x) => x.kind))}::text[], ${sql.param(part.map((x) => x.reason))}::text[]) as t(l, p, k, r)
      on conflict do nothing`);
  }
}

/** Rows beyond "the first N" leave the campaign at launch: skipped, values erased. */
export async function excludeBeyond(tx: Tx, campaignId: string, sendLimit: number): Promise<number> {
  const rows = await tx
    .update(campaignRecipients)
    .set({ status: 'skipped', reason: 'not_included', variables: null, updatedAt: new Date() })
    .where(
      and(
        eq(campaignRecipients.campaignId, campaignId),
        eq(campaignRecipients.status, 'pending'),
        sql`${campaignRecipients.seq} > ${sendLimit}`,
      ),
    )
    .returning({ id: campaignRecipients.id });
  return rows.length;
}

export async function firstRecipient(conn: Conn, campaignId: string): Promise<RecipientRow | undefined> {
  const [row] = await conn
    .select()
    .from(campaignRecipients)
    .where(and(eq(campaignRecipients.campaignId, campaignId), isNotNull(campaignRecipients.variables)))
    .orderBy(asc(campaignRecipients.seq))
    .limit(1);
  return row;
}

export async function pendingRecipients(
  conn: Conn,
  campaignId: string,
  limit?: number,
): Promise<{ recipient: string; seq: number; policyKey: string | null }[]> {
  const q = conn
    .select({ recipient: campaignRecipients.recipient, seq: campaignRecipients.seq, policyKey: campaignRecipients.policyKey })
    .from(campaignRecipients)
    .where(and(eq(campaignRecipients.campaignId, campaignId), eq(campaignRecipients.status, 'pending')))
    .orderBy(asc(campaignRecipients.seq));
  return limit === undefined ? q : q.limit(limit);
}

// ---- recipients: reading ---------------------------------------------------------------------

/**
 * A recipient's status as the owner sees it: ours until it is handed to Kaleyra, then the message's own
 * (sent, delivered, read; failed when WhatsApp later rejected it).
 */
const EFFECTIVE = sql`case
  when r.status = 'sent' then case m.status
    when 'failed' then 'failed' when 'not_sent' then 'failed'
    when 'delivered' then 'delivered' when 'read' then 'read' else 'sent' end
  else r.status end`;
const EFFECTIVE_CODE = sql`case when r.status = 'sent' and m.status in ('failed', 'not_sent') then coalesce(m.error_code, 'not-sent') else r.reason end`;

export async function countByStatus(conn: Conn, campaignId: string): Promise<Record<RecipientStatus, number>> {
  const rows = await rowsOf<{ s: RecipientStatus; n: string | number }>(
    conn,
    sql`select ${EFFECTIVE} as s, count(*) as n from campaign_recipients r left join messages m on m.id = r.message_id
        where r.campaign_id = ${campaignId}::uuid group by 1`,
  );
  const out: Record<RecipientStatus, number> = {
    pending: 0,
    sending: 0,
    confirming: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
  };
  for (const r of rows) out[r.s] = Number(r.n);
  return out;
}

/** Counts by our own status only (no join): enough for the list's progress. */
export async function countByOwnStatus(conn: Conn, campaignId: string): Promise<Record<RecipientStatus, number>> {
  const rows = await rowsOf<{ s: RecipientStatus; n: string | number }>(
    conn,
    sql`select status as s, count(*) as n from campaign_recipients where campaign_id = ${campaignId}::uuid group by 1`,
  );
  const out: Record<RecipientStatus, number> = {
    pending: 0,
    sending: 0,
    confirming: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
  };
  for (const r of rows) out[r.s] = Number(r.n);
  return out;
}

/** How many failed recipients there are per failure code (whether a retry makes sense depends on the code). */
export async function failedByCode(conn: Conn, campaignId: string): Promise<{ code: string | null; count: number }[]> {
  const rows = await rowsOf<{ code: string | null; n: string | number }>(
    conn,
    sql`select ${EFFECTIVE_CODE} as code, count(*) as n from campaign_recipients r left join messages m on m.id = r.message_id
        where r.campaign_id = ${campaignId}::uuid and (r.status = 'failed' or (r.status = 'sent' and m.status in ('failed', 'not_sent')))
        group by 1`,
  );
  return rows.map((r) => ({ code: r.code, count: Number(r.n) }));
}

export interface RecipientView {
  id: string;
  seq: number;
  line: number;
  recipient: string;
  status: RecipientStatus;
  code: string | null;
  attempts: number;
  messageId: string | null;
  dispatchedAt: Date | null;
  updatedAt: Date | null;
  hasValues: boolean;
}

const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(Number(v)));

function viewOf(r: Record<string, unknown>): RecipientView {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    line: Number(r.line),
    recipient: String(r.recipient),
    status: r.status as RecipientStatus,
    code: (r.code as string | null) ?? null,
    attempts: Number(r.attempts),
    messageId: (r.message_id as string | null) ?? null,
    dispatchedAt: toDate(r.dispatched_ms),
    updatedAt: toDate(r.updated_ms),
    hasValues: Boolean(r.has_values),
  };
}

const VIEW_COLUMNS = sql`r.id, r.seq, r.line, r.recipient, ${EFFECTIVE} as status, ${EFFECTIVE_CODE} as code, r.attempts, r.message_id,
  (extract(epoch from r.dispatched_at) * 1000)::float8 as dispatched_ms,
  (extract(epoch from greatest(r.updated_at, m.updated_at)) * 1000)::float8 as updated_ms,
  r.variables is not null as has_values`;

export async function recipientsPage(
  conn: Conn,
  campaignId: string,
  options: {
    status?: RecipientStatus | undefined;
    digits?: string | undefined;
    limit: number;
    offset: number;
    afterSeq?: number | undefined;
  },
): Promise<{ rows: RecipientView[]; total: number; more: boolean }> {
  const filters: SQL[] = [sql`r.campaign_id = ${campaignId}::uuid`];
  if (options.status) filters.push(sql`${EFFECTIVE} = ${options.status}`);
  if (options.digits) filters.push(sql`r.recipient like ${`%${options.digits}%`}`);
  const where = sql.join(filters, sql` and `);
  // Keyset on (campaign_id, seq) when continuing after a page; offset stays for older clients.
  const page =
    options.afterSeq === undefined
      ? sql`${where} order by r.seq limit ${options.limit + 1} offset ${options.offset}`
      : sql`${where} and r.seq > ${options.afterSeq} order by r.seq limit ${options.limit + 1}`;
  const [rows, total] = await Promise.all([
    rowsOf<Record<string, unknown>>(
      conn,
      sql`select ${VIEW_COLUMNS} from campaign_recipients r left join messages m on m.id = r.message_id where ${page}`,
    ),
    rowsOf<{ n: string | number }>(
      conn,
      sql`select count(*) as n from campaign_recipients r left join messages m on m.id = r.message_id where ${where}`,
    ),
  ]);
  return { rows: rows.slice(0, options.limit).map(viewOf), total: Number(total[0]?.n ?? 0), more: rows.length > options.limit };
}

/** Every recipient in file order, a page at a time (the CSV report streams these). */
export async function recipientsAfter(conn: Conn, campaignId: string, afterSeq: number, limit: number): Promise<RecipientView[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    conn,
    sql`select ${VIEW_COLUMNS} from campaign_recipients r left join messages m on m.id = r.message_id
        where r.campaign_id = ${campaignId}::uuid and r.seq > ${afterSeq} order by r.seq limit ${limit}`,
  );
  return rows.map(viewOf);
}

/** Recipients whose effective status is failed, with the code that decides whether a retry makes sense. */
export async function failedRecipients(conn: Conn, campaignId: string): Promise<RecipientView[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    conn,
    sql`select ${VIEW_COLUMNS} from campaign_recipients r left join messages m on m.id = r.message_id
        where r.campaign_id = ${campaignId}::uuid and (r.status = 'failed' or (r.status = 'sent' and m.status in ('failed', 'not_sent')))
        order by r.seq`,
  );
  return rows.map(viewOf);
}

export function rejections(conn: Conn, campaignId: string) {
  return conn.select().from(campaignRejections).where(eq(campaignRejections.campaignId, campaignId)).orderBy(asc(campaignRejections.line));
}

/** Messages handed to Kaleyra since `since` (for the live rate). */
export async function dispatchedSince(conn: Conn, campaignId: string, since: Date): Promise<number> {
  const rows = await rowsOf<{ n: string | number }>(
    conn,
    sql`select count(*) as n from campaign_recipients where campaign_id = ${campaignId}::uuid and dispatched_at >= ${since.toISOString()}::timestamptz`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Pending recipients per quiet-hours group, for the ETA. */
export async function pendingByGroup(conn: Conn, campaignId: string): Promise<{ key: string | null; count: number }[]> {
  const rows = await rowsOf<{ k: string | null; n: string | number }>(
    conn,
    sql`select policy_key as k, count(*) as n from campaign_recipients where campaign_id = ${campaignId}::uuid and status in ('pending', 'sending', 'confirming') group by 1`,
  );
  return rows.map((r) => ({ key: r.k, count: Number(r.n) }));
}

// ---- dispatch ---------------------------------------------------------------------------------

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

export async function updateRecipients(conn: Conn, ids: string[], values: Partial<typeof campaignRecipients.$inferInsert>): Promise<void> {
  if (!ids.length) return;
  await conn
    .update(campaignRecipients)
    .set({ ...values, updatedAt: new Date() })
    .where(inArray(campaignRecipients.id, ids));
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

/** Waiting recipients that already have a message (a transient refusal earlier): its conversation is open. */
export async function pendingMessageIds(tx: Tx, campaignId: string): Promise<string[]> {
  const rows = await tx
    .select({ m: campaignRecipients.messageId })
    .from(campaignRecipients)
    .where(
      and(eq(campaignRecipients.campaignId, campaignId), eq(campaignRecipients.status, 'pending'), isNotNull(campaignRecipients.messageId)),
    );
  return rows.map((r) => r.m!);
}

/** Cancels whoever has not been handed over yet. */
export async function cancelPending(tx: Tx, campaignId: string): Promise<number> {
  const rows = await tx
    .update(campaignRecipients)
    .set({ status: 'cancelled', reason: 'cancelled', variables: null, claimedAt: null, updatedAt: new Date() })
    .where(and(eq(campaignRecipients.campaignId, campaignId), eq(campaignRecipients.status, 'pending')))
    .returning({ id: campaignRecipients.id });
  return rows.length;
}

// ---- send slots (pacing shared by every instance) ---------------------------------------------

/**
 * Takes `n` consecutive send slots `intervalMs` apart on a pacing key and returns when the first one is. One
 * UPDATE moves the key's next free slot forward, so concurrent dispatchers (in any instance) never overlap.
 */
export async function takeSlots(conn: Conn, key: string, n: number, intervalMs: number, nowMs: number): Promise<number> {
  const [row] = await conn
    .insert(dispatchRateSlots)
    .values({ key, nextAt: nowMs + n * intervalMs })
    .onConflictDoUpdate({
      target: dispatchRateSlots.key,
      set: { nextAt: sql`greatest(${dispatchRateSlots.nextAt}, ${nowMs}::float8) + ${n * intervalMs}::float8` },
    })
    .returning({ nextAt: dispatchRateSlots.nextAt });
  return Number(row!.nextAt) - n * intervalMs;
}

/** When the key's next free slot is (epoch ms); 0 when it was never used. */
export async function peekSlot(conn: Conn, key: string): Promise<number> {
  const [row] = await conn.select({ nextAt: dispatchRateSlots.nextAt }).from(dispatchRateSlots).where(eq(dispatchRateSlots.key, key));
  return row ? Number(row.nextAt) : 0;
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

/** Which of these recipients opted out of the organization's messages, in one hash join however many they are. */
export async function optedOutIn(conn: Conn, organizationId: string, recipients: string[]): Promise<Set<string>> {
  if (!recipients.length) return new Set();
  const rows = await rowsOf<{ recipient: string }>(
    conn,
    sql`select o.recipient from opt_outs o join unnest(${sql.param(recipients)}::text[]) as u(r) on o.recipient = u.r
        where o.organization_id = ${organizationId}`,
  );
  return new Set(rows.map((r) => r.recipient));
}
