import { and, asc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import {
  messages,
  numbers,
  organizations,
  relayAuthorizations,
  relayChats,
  relayIdentities,
  relayInbound,
  relayNumbers,
  relayOutbound,
} from '../../db/schema.ts';

type Conn = Db | Tx;

export type RelayAuthorizationRow = typeof relayAuthorizations.$inferSelect;
export type RelayNumberRow = typeof relayNumbers.$inferSelect;
export type RelayIdentityRow = typeof relayIdentities.$inferSelect;
export type RelayChatRow = typeof relayChats.$inferSelect;
export type RelayInboundRow = typeof relayInbound.$inferSelect;
export type RelayOutboundRow = typeof relayOutbound.$inferSelect;

export async function findAuthorization(conn: Conn, organizationId: string): Promise<RelayAuthorizationRow | undefined> {
  const [row] = await conn.select().from(relayAuthorizations).where(eq(relayAuthorizations.organizationId, organizationId));
  return row;
}

export async function saveAuthorization(conn: Conn, values: typeof relayAuthorizations.$inferInsert) {
  const { organizationId: _id, ...rest } = values;
  await conn
    .insert(relayAuthorizations)
    .values(values)
    .onConflictDoUpdate({ target: relayAuthorizations.organizationId, set: { ...rest, updatedAt: new Date() } });
}

export async function updateAuthorization(conn: Conn, organizationId: string, set: Partial<typeof relayAuthorizations.$inferInsert>) {
  await conn
    .update(relayAuthorizations)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(relayAuthorizations.organizationId, organizationId));
}

/** The organization's connected numbers with their relay settings (none when never set). */
export async function listNumberSettings(conn: Conn, organizationId: string) {
  return conn
    .select({ number: numbers, settings: relayNumbers })
    .from(numbers)
    .leftJoin(relayNumbers, eq(relayNumbers.numberId, numbers.id))
    .where(and(eq(numbers.organizationId, organizationId), isNull(numbers.disconnectedAt)))
    .orderBy(asc(numbers.createdAt));
}

export async function findNumberSettings(conn: Conn, numberId: string): Promise<RelayNumberRow | undefined> {
  const [row] = await conn.select().from(relayNumbers).where(eq(relayNumbers.numberId, numberId));
  return row;
}

export async function saveNumberSettings(
  conn: Conn,
  values: { numberId: string; organizationId: string; enabled: boolean; groupId: number | null },
) {
  await conn
    .insert(relayNumbers)
    .values(values)
    .onConflictDoUpdate({
      target: relayNumbers.numberId,
      set: { enabled: values.enabled, groupId: values.groupId, updatedAt: new Date() },
    });
}

export async function recordFailure(conn: Conn, numberId: string, direction: 'inbound' | 'outbound', code: string, at: Date) {
  await conn
    .update(relayNumbers)
    .set({ lastFailureAt: at, lastFailureDirection: direction, lastFailureCode: code })
    .where(eq(relayNumbers.numberId, numberId));
}

export async function findIdentity(conn: Conn, numberId: string, customer: string): Promise<RelayIdentityRow | undefined> {
  const [row] = await conn
    .select()
    .from(relayIdentities)
    .where(and(eq(relayIdentities.numberId, numberId), eq(relayIdentities.customer, customer)));
  return row;
}

/** The identity for this customer: ours, or the one another instance stored a moment earlier (the unique key decides). */
export async function insertIdentity(
  conn: Conn,
  values: { organizationId: string; numberId: string; customer: string; entityId: string },
): Promise<RelayIdentityRow> {
  await conn
    .insert(relayIdentities)
    .values(values)
    .onConflictDoNothing({ target: [relayIdentities.numberId, relayIdentities.customer] });
  const row = await findIdentity(conn, values.numberId, values.customer);
  if (!row) throw new Error('relay identity insert failed');
  return row;
}

export async function isOwnEntity(conn: Conn, organizationId: string, entityId: string): Promise<boolean> {
  const [row] = await conn
    .select({ id: relayIdentities.id })
    .from(relayIdentities)
    .where(and(eq(relayIdentities.organizationId, organizationId), eq(relayIdentities.entityId, entityId)));
  return !!row;
}

export async function chatOfIdentity(conn: Conn, identityId: string): Promise<RelayChatRow | undefined> {
  const [row] = await conn.select().from(relayChats).where(eq(relayChats.identityId, identityId));
  return row;
}

export async function saveChat(conn: Conn, values: { chatId: string; organizationId: string; identityId: string }) {
  await conn
    .insert(relayChats)
    .values({ ...values, active: true })
    .onConflictDoUpdate({ target: relayChats.chatId, set: { active: true, updatedAt: new Date() } });
}

export async function setChatActive(conn: Conn, organizationId: string, chatId: string, active: boolean): Promise<boolean> {
  const rows = await conn
    .update(relayChats)
    .set({ active, updatedAt: new Date() })
    .where(and(eq(relayChats.organizationId, organizationId), eq(relayChats.chatId, chatId)))
    .returning({ chatId: relayChats.chatId });
  return rows.length > 0;
}

/** A relayed chat with its customer and business number. */
export async function findChat(conn: Conn, organizationId: string, chatId: string) {
  const [row] = await conn
    .select({ chat: relayChats, identity: relayIdentities, number: numbers })
    .from(relayChats)
    .innerJoin(relayIdentities, eq(relayIdentities.id, relayChats.identityId))
    .innerJoin(numbers, eq(numbers.id, relayIdentities.numberId))
    .where(and(eq(relayChats.organizationId, organizationId), eq(relayChats.chatId, chatId)));
  return row;
}

/** Claims an inbound message for the relay; false when it was taken before (a replayed webhook). */
export async function claimInbound(
  conn: Conn,
  values: { providerMessageId: string; organizationId: string; numberId: string; customer: string; type: string },
): Promise<boolean> {
  const rows = await conn.insert(relayInbound).values(values).onConflictDoNothing().returning({ id: relayInbound.providerMessageId });
  return rows.length > 0;
}

export async function forgetInbound(conn: Conn, providerMessageId: string) {
  await conn.delete(relayInbound).where(eq(relayInbound.providerMessageId, providerMessageId));
}

export async function findInbound(conn: Conn, providerMessageId: string): Promise<RelayInboundRow | undefined> {
  const [row] = await conn.select().from(relayInbound).where(eq(relayInbound.providerMessageId, providerMessageId));
  return row;
}

/** Whether an earlier message of the same customer is still waiting (its job retries): this one waits behind it. */
export async function earlierPending(conn: Conn, row: RelayInboundRow): Promise<boolean> {
  const [hit] = await conn
    .select({ id: relayInbound.providerMessageId })
    .from(relayInbound)
    .where(
      and(
        eq(relayInbound.numberId, row.numberId),
        eq(relayInbound.customer, row.customer),
        eq(relayInbound.status, 'pending'),
        lt(relayInbound.seq, row.seq!),
      ),
    )
    .limit(1);
  return !!hit;
}

export async function settleInbound(
  conn: Conn,
  providerMessageId: string,
  set: { status: 'posted' | 'failed' | 'skipped'; chatId?: string | null; eventId?: string | null; errorCode?: string | null },
) {
  await conn
    .update(relayInbound)
    .set({ ...set, settledAt: new Date() })
    .where(eq(relayInbound.providerMessageId, providerMessageId));
}

export async function claimOutbound(
  conn: Conn,
  values: { eventId: string; organizationId: string; chatId: string; threadId: string | null },
): Promise<boolean> {
  const rows = await conn.insert(relayOutbound).values(values).onConflictDoNothing().returning({ id: relayOutbound.eventId });
  return rows.length > 0;
}

export async function forgetOutbound(conn: Conn, eventId: string) {
  await conn.delete(relayOutbound).where(eq(relayOutbound.eventId, eventId));
}

export async function findOutbound(conn: Conn, eventId: string): Promise<RelayOutboundRow | undefined> {
  const [row] = await conn.select().from(relayOutbound).where(eq(relayOutbound.eventId, eventId));
  return row;
}

export async function settleOutbound(
  conn: Conn,
  eventId: string,
  set: { status: 'sent' | 'refused' | 'failed' | 'skipped'; messageId?: string | null; errorCode?: string | null },
) {
  await conn
    .update(relayOutbound)
    .set({ ...set, settledAt: new Date() })
    // Settles only once: a late refusal's callback may have failed the row before the job recorded the send.
    .where(and(eq(relayOutbound.eventId, eventId), eq(relayOutbound.status, 'pending')));
}

/**
 * A reply the provider accepted and refused later: true for the one callback that moves it to 'failed', so replayed
 * or repeated failed callbacks note it in the chat once. 'pending' too: the callback can beat the job's own record.
 */
export async function failSentOutbound(conn: Conn, eventId: string, errorCode: string): Promise<boolean> {
  const rows = await conn
    .update(relayOutbound)
    .set({ status: 'failed', errorCode: errorCode.slice(0, 60), settledAt: new Date() })
    .where(and(eq(relayOutbound.eventId, eventId), or(eq(relayOutbound.status, 'sent'), eq(relayOutbound.status, 'pending'))))
    .returning({ id: relayOutbound.eventId });
  return rows.length > 0;
}

/** Replies recorded as sent since `since` whose message has failed since (no callback told the relay). */
export async function failedSentReplies(conn: Conn, since: Date, limit: number) {
  return conn
    .select({
      eventId: relayOutbound.eventId,
      organizationId: relayOutbound.organizationId,
      chatId: relayOutbound.chatId,
      errorCode: messages.errorCode,
    })
    .from(relayOutbound)
    .innerJoin(messages, eq(messages.id, relayOutbound.messageId))
    .where(and(eq(relayOutbound.status, 'sent'), gte(relayOutbound.settledAt, since), inArray(messages.status, ['failed', 'not_sent'])))
    .limit(limit);
}

/**
 * Relay is on for the number, its LiveChat authorization is kept, and the business is active (read now, not from a
 * cache: an uninstall, suspension or termination stops the relay at once).
 */
export async function relayTarget(conn: Conn, organizationId: string, numberId: string) {
  const [row] = await conn
    .select({ settings: relayNumbers, authorization: relayAuthorizations })
    .from(relayNumbers)
    .innerJoin(relayAuthorizations, eq(relayAuthorizations.organizationId, relayNumbers.organizationId))
    .innerJoin(organizations, eq(organizations.id, relayNumbers.organizationId))
    .where(
      and(
        eq(relayNumbers.numberId, numberId),
        eq(relayNumbers.organizationId, organizationId),
        eq(relayNumbers.enabled, true),
        eq(organizations.status, 'active'),
      ),
    );
  return row;
}

export async function findNumber(conn: Conn, numberId: string) {
  const [row] = await conn.select().from(numbers).where(eq(numbers.id, numberId));
  return row;
}

/** When a message (by its WhatsApp id) was sent or received. */
export async function messageTime(conn: Conn, organizationId: string, providerMessageId: string): Promise<Date | null> {
  const [row] = await conn
    .select({ at: messages.createdAt })
    .from(messages)
    .where(and(eq(messages.organizationId, organizationId), eq(messages.providerMessageId, providerMessageId)))
    .limit(1);
  return row?.at ?? null;
}

/**
 * The relayed reply behind a status callback: by its ref (the LiveChat event id; our message id for a reply sent
 * before replies carried the event id) or the provider's id.
 */
export async function relayedMessage(conn: Conn, organizationId: string, ref: string | null, providerMessageId: string | null) {
  const match = [
    ref ? (/^[0-9a-f-]{36}$/i.test(ref) ? eq(messages.id, ref) : eq(messages.clientRef, `relay:${ref}`)) : undefined,
    providerMessageId ? eq(messages.providerMessageId, providerMessageId) : undefined,
  ].filter((c): c is NonNullable<typeof c> => !!c);
  if (!match.length) return undefined;
  const [row] = await conn
    .select({ eventId: relayOutbound.eventId, chatId: relayOutbound.chatId, threadId: relayOutbound.threadId })
    .from(messages)
    .innerJoin(
      relayOutbound,
      and(eq(relayOutbound.organizationId, messages.organizationId), sql`${messages.clientRef} = 'relay:' || ${relayOutbound.eventId}`),
    )
    .where(and(eq(messages.organizationId, organizationId), or(...match)))
    .limit(1);
  return row;
}
