import { and, asc, desc, eq, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { RecipientStatus } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { campaignRecipients, campaignRejections, campaigns } from '../../db/schema.ts';
import type { RejectedRow } from '@wa/contracts';
import type { ValidRows } from './recipient-file.ts';
import { isUuid } from '../../lib/uuid.ts';

/**
 * Campaigns and their recipients as the owner creates, reads and cancels them. What the dispatcher claims and
 * marks is in dispatch.repo.ts; the shared pacing slots are in send-slots.repo.ts.
 */

export type Conn = Db | Tx;
export type CampaignRow = typeof campaigns.$inferSelect;
export type NewCampaign = typeof campaigns.$inferInsert;
export type RecipientRow = typeof campaignRecipients.$inferSelect;

const CHUNK = 5_000;

export async function rowsOf<T>(conn: Conn, query: SQL): Promise<T[]> {
  const result = (await conn.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(Number(v)));

// ---- campaigns -------------------------------------------------------------------------------

export async function insertCampaign(conn: Conn, values: NewCampaign): Promise<CampaignRow> {
  const [row] = await conn.insert(campaigns).values(values).returning();
  if (!row) throw new Error('campaign insert failed');
  return row;
}

/** A campaign of this organization, or undefined (another tenant's id reads as absent). */
export async function findCampaign(conn: Conn, organizationId: string, id: string): Promise<CampaignRow | undefined> {
  if (!isUuid(id)) return undefined;
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

/** Every status with its count, zero for those no recipient has. */
function countsOf(rows: { s: RecipientStatus; n: string | number }[]): Record<RecipientStatus, number> {
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

export async function countByStatus(conn: Conn, campaignId: string): Promise<Record<RecipientStatus, number>> {
  const rows = await rowsOf<{ s: RecipientStatus; n: string | number }>(
    conn,
    sql`select ${EFFECTIVE} as s, count(*) as n from campaign_recipients r left join messages m on m.id = r.message_id
        where r.campaign_id = ${campaignId}::uuid group by 1`,
  );
  return countsOf(rows);
}

/** Counts by our own status only (no join): enough for the list's progress. */
export async function countByOwnStatus(conn: Conn, campaignId: string): Promise<Record<RecipientStatus, number>> {
  const rows = await rowsOf<{ s: RecipientStatus; n: string | number }>(
    conn,
    sql`select status as s, count(*) as n from campaign_recipients where campaign_id = ${campaignId}::uuid group by 1`,
  );
  return countsOf(rows);
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

export async function updateRecipients(conn: Conn, ids: string[], values: Partial<typeof campaignRecipients.$inferInsert>): Promise<void> {
  if (!ids.length) return;
  await conn
    .update(campaignRecipients)
    .set({ ...values, updatedAt: new Date() })
    .where(inArray(campaignRecipients.id, ids));
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
