import { and, asc, desc, eq, gt, isNull, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { conversations, customerWindows, messageEvents, messages } from '../../db/schema.ts';
import { isUuid } from '../../lib/uuid.ts';

type Conn = Db | Tx;
export type MessageRow = typeof messages.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type MessageEventRow = typeof messageEvents.$inferSelect;

export async function findConversation(conn: Conn, id: string): Promise<ConversationRow | undefined> {
  const [row] = await conn.select().from(conversations).where(eq(conversations.id, id));
  return row;
}

export async function updateConversation(conn: Conn, id: string, values: Partial<typeof conversations.$inferInsert>) {
  await conn.update(conversations).set(values).where(eq(conversations.id, id));
}

/** Namespaces of the send's advisory locks (the two-key form: one namespace can never take another's lock). */
const SEND_REF_LOCK = 0x5e4d0001;
const SEND_TO_LOCK = 0x5e4d0002;

/**
 * Takes, for the rest of `tx`, the lock of one send's clientRef and then that of its (number, recipient): two sends
 * of one clientRef, and two sends to one customer from one number, run one after the other (always in this
 * order, so they cannot deadlock). Keys are 32-bit hashes: a collision only serialises two unrelated sends.
 */
export async function lockSend(tx: Tx, organizationId: string, clientRef: string, numberId: string, recipient: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${SEND_REF_LOCK}::int4, hashtext(${`${organizationId}:${clientRef}`})), pg_advisory_xact_lock(${SEND_TO_LOCK}::int4, hashtext(${`${numberId}:${recipient}`}))`,
  );
}

/**
 * What a send chooses from once it holds its lock (`lockSend`), in one trip: the message already recorded under its
 * clientRef, if any, and every conversation still open for (number, recipient), as `listOpenConversations` lists them.
 */
export async function findSendState(
  tx: Tx,
  q: { organizationId: string; clientRef: string; numberId: string; recipient: string; now: Date },
): Promise<{ racedId: string | null; open: ConversationRow[] }> {
  const rows = await tx
    .select({
      racedId: sql<
        string | null
      >`(select m.id from messages m where m.organization_id = ${q.organizationId} and m.client_ref = ${q.clientRef})`,
      conversation: conversations,
    })
    .from(sql`(select 1) as one`)
    .leftJoin(conversations, openConversationsOf(q.numberId, q.recipient, q.now))
    .orderBy(desc(conversations.expiresAt));
  return {
    racedId: rows[0]?.racedId ?? null,
    open: rows.flatMap((r) => (r.conversation ? [r.conversation] : [])),
  };
}

/** Whether a conversation is still open (not given back by a failed opening message). */
export async function isConversationOpen(conn: Conn, id: string): Promise<boolean> {
  const [row] = await conn.select({ status: conversations.status }).from(conversations).where(eq(conversations.id, id));
  return row?.status === 'open';
}

export async function findMessageByClientRef(conn: Conn, organizationId: string, clientRef: string) {
  const [row] = await conn
    .select()
    .from(messages)
    .where(and(eq(messages.organizationId, organizationId), eq(messages.clientRef, clientRef)));
  return row;
}

export async function insertMessage(conn: Conn, values: typeof messages.$inferInsert): Promise<MessageRow> {
  const [row] = await conn.insert(messages).values(values).returning();
  if (!row) throw new Error('message insert failed');
  return row;
}

/**
 * A send's rows in one statement: the conversation it opens (if any), the message, and its `queued` event.
 * The message's id is chosen by the caller (the conversation names it as its opening message).
 */
export async function insertSend(
  tx: Tx,
  o: { conversation: typeof conversations.$inferInsert | null; message: typeof messages.$inferInsert & { id: string }; queuedAt: Date },
): Promise<void> {
  // `getSQL()`: a statement embedded as itself, not wrapped in parentheses as a subquery.
  const conversation = o.conversation ? sql`c as (${tx.insert(conversations).values(o.conversation).getSQL()}), ` : sql``;
  await tx.execute(sql`
    with ${conversation}m as (${tx.insert(messages).values(o.message).returning({ id: messages.id }).getSQL()})
    insert into message_events (message_id, status, at) select id, 'queued', ${o.queuedAt.toISOString()}::timestamptz from m`);
}

/** A message as a send answers with it: its row, its events, and the conversations it holds now. */
export async function findMessageView(conn: Conn, organizationId: string, id: string) {
  const [row] = await conn
    .select({
      message: messages,
      events: sql<
        { status: string; at: string }[]
      >`coalesce((select json_agg(json_build_object('status', e.status, 'at', e.at)) from message_events e where e.message_id = ${messages.id}), '[]')`,
      // What the message holds: its conversation's cost while it is the open conversation's opening message.
      spent: sql<number>`coalesce((select c.cost from conversations c where c.id = ${messages.conversationId} and c.status = 'open' and c.opening_message_id = ${messages.id}), 0)`,
    })
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.organizationId, organizationId)));
  if (!row) return undefined;
  const events = (typeof row.events === 'string' ? (JSON.parse(row.events) as typeof row.events) : row.events).map((e) => ({
    status: e.status,
    at: new Date(e.at),
  }));
  return { message: row.message, events, spent: Number(row.spent) };
}

/**
 * Kaleyra accepted the send: its id, the `accepted` event, and the status unless a callback got further first
 * (or the message failed meanwhile), in one statement.
 */
export async function acceptMessage(conn: Conn, id: string, providerMessageId: string, at: Date): Promise<void> {
  await conn.execute(sql`
    with m as (
      update messages set provider_message_id = ${providerMessageId}, status = case when status = 'queued' then 'accepted' else status end, updated_at = now()
      where id = ${id}::uuid returning id
    )
    insert into message_events (message_id, status, at) select id, 'accepted', ${at.toISOString()}::timestamptz from m`);
}

/** Locks the message row so concurrent callbacks for it apply one at a time. */
export async function lockMessage(tx: Tx, id: string): Promise<MessageRow | undefined> {
  const [row] = await tx.select().from(messages).where(eq(messages.id, id)).for('update');
  return row;
}

export async function updateMessage(conn: Conn, id: string, values: Partial<typeof messages.$inferInsert>) {
  await conn
    .update(messages)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(messages.id, id));
}

export async function addEvent(conn: Conn, messageId: string, status: string, at: Date, errorCode: string | null = null) {
  await conn.insert(messageEvents).values({ messageId, status, at, errorCode });
}

/**
 * Finds an outbound message of this organization by the ref we gave Kaleyra or the provider's id. The ref is our
 * message id, except for a relayed reply, whose ref is its LiveChat event id (its client_ref `relay:<event id>`).
 */
export async function findMessageForCallback(
  conn: Conn,
  organizationId: string,
  ref: string | null,
  providerMessageId: string | null,
): Promise<MessageRow | undefined> {
  const conditions = [];
  if (ref) conditions.push(isUuid(ref) ? eq(messages.id, ref) : eq(messages.clientRef, `relay:${ref}`));
  if (providerMessageId) conditions.push(eq(messages.providerMessageId, providerMessageId));
  if (!conditions.length) return undefined;
  const [row] = await conn
    .select()
    .from(messages)
    .where(and(eq(messages.organizationId, organizationId), eq(messages.direction, 'outbound'), or(...conditions)))
    .limit(1);
  return row;
}

/** Other messages of the conversation that are still alive (not failed or never sent). */
export async function liveMessagesOf(conn: Conn, conversationId: string, exceptId: string): Promise<MessageRow[]> {
  return conn
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), ne(messages.id, exceptId), notInArray(messages.status, ['failed', 'not_sent'])))
    .orderBy(asc(messages.createdAt));
}

export async function findCustomerWindow(conn: Conn, numberId: string, recipient: string) {
  const [row] = await conn
    .select()
    .from(customerWindows)
    .where(and(eq(customerWindows.numberId, numberId), eq(customerWindows.recipient, recipient)));
  return row;
}

export async function touchCustomerWindow(conn: Conn, organizationId: string, numberId: string, recipient: string, at: Date) {
  await conn
    .insert(customerWindows)
    .values({ organizationId, numberId, recipient, lastInboundAt: at })
    .onConflictDoUpdate({
      target: [customerWindows.numberId, customerWindows.recipient],
      set: { lastInboundAt: at },
      // Callbacks can arrive out of order; the window only ever moves forward.
      setWhere: lt(customerWindows.lastInboundAt, at),
    });
}

/** Every conversation still open for (number, recipient), any category. */
export function listOpenConversations(conn: Conn, numberId: string, recipient: string, now: Date): Promise<ConversationRow[]> {
  return conn
    .select()
    .from(conversations)
    .where(openConversationsOf(numberId, recipient, now))
    .orderBy(desc(conversations.expiresAt));
}

const openConversationsOf = (numberId: string, recipient: string, now: Date) =>
  and(
    eq(conversations.numberId, numberId),
    eq(conversations.recipient, recipient),
    eq(conversations.status, 'open'),
    gt(conversations.expiresAt, now),
  );

/** How long a pending relayed reply keeps its interrupted send from the sweep. */
const RELAY_HOLD_MS = 24 * 3_600_000;

/**
 * One-on-one messages left `queued` with no Kaleyra id long after any send attempt would have ended: the
 * process stopped between recording the message and hearing Kaleyra's answer. Campaign messages are left to
 * the dispatcher, which recovers its own; a relayed reply (client_ref `relay:<event id>`) to the chat relay while
 * its reply is still pending there, as the relay sends it again or settles it (within a day: a reply whose job was
 * lost is closed after all).
 */
export async function interruptedSends(conn: Conn, before: Date, limit: number): Promise<string[]> {
  const rows = await conn
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.status, 'queued'),
        eq(messages.direction, 'outbound'),
        isNull(messages.providerMessageId),
        lt(messages.createdAt, before),
        sql`not exists (select 1 from campaign_recipients r where r.message_id = ${messages.id})`,
        sql`not (${messages.clientRef} like 'relay:%' and exists (select 1 from relay_outbound o where o.event_id = substr(${messages.clientRef}, 7)
          and o.status = 'pending' and o.created_at > ${new Date(before.getTime() - RELAY_HOLD_MS).toISOString()}::timestamptz))`,
      ),
    )
    .orderBy(asc(messages.createdAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Open conversations (number, category) of these recipients that last until `until`: recipient → conversation. */
export async function openAmong(
  conn: Conn,
  numberId: string,
  category: string,
  recipients: string[],
  until: Date,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!recipients.length) return out;
  const result = await conn.execute(
    sql`select distinct on (c.recipient) c.recipient, c.id from conversations c join unnest(${sql.param(recipients)}::text[]) as u(r) on c.recipient = u.r
        where c.number_id = ${numberId}::uuid and c.category = ${category} and c.status = 'open' and c.expires_at > ${until.toISOString()}::timestamptz
        order by c.recipient, c.expires_at desc`,
  );
  for (const r of (result as unknown as { rows: { recipient: string; id: string }[] }).rows) out.set(r.recipient, r.id);
  return out;
}

/** Conversations a batch opens, and its messages with their first (queued) event, in three statements. */
export async function insertBatch(
  tx: Tx,
  newConversations: (typeof conversations.$inferInsert)[],
  newMessages: (typeof messages.$inferInsert)[],
  at: Date,
): Promise<void> {
  if (newConversations.length) await tx.insert(conversations).values(newConversations);
  if (newMessages.length) {
    await tx.insert(messages).values(newMessages);
    await tx.insert(messageEvents).values(newMessages.map((m) => ({ messageId: m.id!, status: 'queued' as const, at })));
  }
}
