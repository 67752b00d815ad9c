import { z } from 'zod';
import { E164Schema } from './identity.ts';
import { ConversationCategorySchema } from './numbers.ts';
import { OptOutSourceSchema } from './optouts.ts';
import { id, isoDate, namedObject } from './schema-builders.ts';

export const ConversationStatusQuerySchema = z.object({
  numberId: id,
  to: E164Schema,
});
export type ConversationStatusQuery = z.infer<typeof ConversationStatusQuerySchema>;

/**
 * Everything WhatsApp's rules say about messaging one customer from one number right now: the
 * customer-service window (free text allowed), the open conversations (sends ride on them for free)
 * and whether the customer opted out (nothing may be sent).
 */
export const ConversationStatusSchema = namedObject('ConversationStatus', {
  numberId: z.string(),
  to: E164Schema,
  /** The server's clock when this was computed; countdowns correct for the agent's clock with it. */
  serverTime: isoDate,
  customerWindow: z.object({
    open: z.boolean(),
    /** When the customer last wrote to this number (null: never, as far as we know). */
    lastMessageAt: isoDate.nullable(),
    /** 24 h after the customer's last message; null when closed. */
    closesAt: isoDate.nullable(),
  }),
  openConversations: z.array(
    z.object({
      category: ConversationCategorySchema,
      openedAt: isoDate,
      expiresAt: isoDate,
      /** Conversations it spent from the balance. */
      cost: z.number().int().nonnegative(),
    }),
  ),
  optOut: z
    .object({
      source: OptOutSourceSchema,
      reason: z.string().nullable(),
      at: isoDate,
    })
    .nullable(),
  /** The customer asked to restrict processing of their data (L.11c): nothing may be sent. */
  restriction: z.object({ reason: z.string(), at: isoDate }).nullable(),
  /** Free text may be sent: the window is open and the customer has not opted out. */
  canSendText: z.boolean(),
  /** Approved templates may be sent: the customer has not opted out. */
  canSendTemplates: z.boolean(),
});
export type ConversationStatus = z.infer<typeof ConversationStatusSchema>;
