import type { ConversationCategory } from '@wa/contracts';

/**
 * WhatsApp's windows, as plain arithmetic (the database only stores the instants they start).
 *
 * - Customer-service window: open from the customer's last message for `windowMs` (24 h). Inside it the
 *   business may send free text; outside only approved templates. It is open while `now < last + 24 h`:
 *   at 23:59:59 it is open, at exactly 24:00:00 it has closed.
 * - Conversation: a 24 h window per (business number, recipient, category) that opens with the first
 *   business message; messages inside it are free. It is open while `now < expiresAt`.
 */
export interface CustomerWindow {
  open: boolean;
  /** When it closes (or closed); null when the customer never wrote. */
  closesAt: Date | null;
}

export function customerWindowAt(lastInboundAt: Date | null | undefined, now: Date, windowMs: number): CustomerWindow {
  if (!lastInboundAt) return { open: false, closesAt: null };
  const closesAt = new Date(lastInboundAt.getTime() + windowMs);
  return { open: now.getTime() < closesAt.getTime(), closesAt };
}

export function conversationOpenAt(expiresAt: Date, now: Date): boolean {
  return now.getTime() < expiresAt.getTime();
}

export interface OpenConversationLike {
  category: ConversationCategory;
  expiresAt: Date;
}

/**
 * Which open conversation a send rides on (WhatsApp's 2024 rules): a template only on an open conversation
 * of its own category; free text (a service message) on an open conversation of any category, else it opens
 * a service conversation. Among several, the one that stays open longest.
 */
export function conversationToRideOn<T extends OpenConversationLike>(
  open: readonly T[],
  category: ConversationCategory,
  now: Date,
): T | undefined {
  return open
    .filter((c) => conversationOpenAt(c.expiresAt, now) && (category === 'service' || c.category === category))
    .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime())[0];
}
