import { and, asc, eq, getTableColumns, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { conversations, messageEvents, messages } from '../../db/schema.ts';
import { afterCursor, microsOf, newestFirst, pageOf, type Cursor } from '../../lib/keyset.ts';
import type { MessageEventRow, MessageRow } from './messaging.repo.ts';

type Conn = Db | Tx;

export interface MessageHistoryItem {
  message: MessageRow;
  events: MessageEventRow[];
  /** Conversations this message holds now: its open conversation's cost when it opened one, else 0. */
  spent: number;
  micros: string;
}

/**
 * One page of the messages sent to a recipient, newest first (ties broken by id): keyset on the
 * (organization_id, recipient, created_at, id) index; events and spent conversations in one query each.
 */
export async function messagesPage(
  conn: Conn,
  organizationId: string,
  filter: { recipient: string; numberId?: string | undefined; limit: number; after?: Cursor | undefined },
): Promise<{ rows: MessageHistoryItem[]; more: boolean }> {
  const fetched = await conn
    .select({ ...getTableColumns(messages), micros: microsOf(messages.createdAt) })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, organizationId),
        eq(messages.recipient, filter.recipient),
        eq(messages.direction, 'outbound'),
        filter.numberId ? eq(messages.numberId, filter.numberId) : undefined,
        afterCursor(messages.createdAt, messages.id, 'uuid', filter.after),
      ),
    )
    .orderBy(...newestFirst(messages.createdAt, messages.id))
    .limit(filter.limit + 1);
  const page = pageOf(fetched, filter.limit);
  if (!page.rows.length) return { rows: [], more: false };
  const ids = page.rows.map((r) => r.id);
  const conversationIds = [...new Set(page.rows.map((r) => r.conversationId).filter((x): x is string => !!x))];
  const [events, open] = await Promise.all([
    conn.select().from(messageEvents).where(inArray(messageEvents.messageId, ids)).orderBy(asc(messageEvents.at)),
    conversationIds.length
      ? conn
          .select({ openingMessageId: conversations.openingMessageId, cost: conversations.cost })
          .from(conversations)
          .where(and(inArray(conversations.id, conversationIds), eq(conversations.status, 'open')))
      : Promise.resolve([]),
  ]);
  const spent = new Map(open.filter((c) => c.openingMessageId).map((c) => [c.openingMessageId!, c.cost]));
  return {
    more: page.more,
    rows: page.rows.map(({ micros, ...message }) => ({
      message,
      events: events.filter((e) => e.messageId === message.id),
      spent: spent.get(message.id) ?? 0,
      micros,
    })),
  };
}
