import { z } from 'zod';
import { nextCursorField, TimeUuidCursorSchema } from './pagination.ts';
import { isoDate, namedObject } from './schema-builders.ts';

/** Who did it: a LiveChat account of the business, an operator (by name), LiveChat itself (a webhook), or us. */
export const AuditActorTypeSchema = z.enum(['account', 'operator', 'livechat', 'system']);
export type AuditActorType = z.infer<typeof AuditActorTypeSchema>;

/**
 * Actions recorded so far; other modules add theirs with the same `area.verb` shape (the column is text, so
 * clients must show unknown actions as they are).
 */
export const AUDIT_ACTIONS = {
  termsAccepted: 'terms.accepted',
  accountSuspended: 'account.suspended',
  accountRestored: 'account.restored',
  accountTerminated: 'account.terminated',
  accountUninstalled: 'account.uninstalled',
  accountClosed: 'account.livechat_closed',
  accountReinstalled: 'account.reinstalled',
  accountInstalled: 'account.installed',
  accountStartBackdated: 'account.start_date_set',
  sendingRevoked: 'number.sending_revoked',
  sendingRestored: 'number.sending_restored',
  numberDisconnected: 'number.disconnected',
  planCancelled: 'plan.cancelled',
  planCancellationPending: 'plan.cancellation_pending',
  conversationsPurchased: 'conversations.purchased',
  conversationsForfeited: 'conversations.forfeited',
  conversationsCredited: 'conversations.credited',
  refundRequested: 'refund.requested',
  refundRefusedIneligible: 'refund.refused_ineligible',
  refundApproved: 'refund.approved',
  refundRefused: 'refund.refused',
  refundPaid: 'refund.paid',
  templateSubmitted: 'template.submitted',
  templateStatusChanged: 'template.status_changed',
  templateDeleted: 'template.deleted',
} as const;

export const AuditEventSchema = namedObject('AuditEvent', {
  id: z.string(),
  organizationId: z.string().nullable(),
  at: isoDate,
  actorType: AuditActorTypeSchema,
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  /** Metadata only: ids, amounts, statuses, reasons. Never tokens, never message content. */
  metadata: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** Events strictly older than this ISO time. */
  before: isoDate.optional(),
  /** Continues after the previous page (newest first, ties broken by id). */
  cursor: TimeUuidCursorSchema.optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditResponseSchema = namedObject('AuditLog', { events: z.array(AuditEventSchema), ...nextCursorField });
export type AuditResponse = z.infer<typeof AuditResponseSchema>;
