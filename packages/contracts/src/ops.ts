import { z } from 'zod';
import { AuditEventSchema, AuditQuerySchema } from './audit.ts';
import { AccountStatusSchema, LossCauseSchema } from './lifecycle.ts';
import { RefundSchema, RefundStatusSchema } from './refunds.ts';
import { id, isoDate, namedObject } from './schema-builders.ts';

/** An operator's reason: optional (F.2: "with or without cause"), recorded in the audit log and shown to the business. */
const reason = z.string().trim().min(1).max(500).optional();

export const OpsBusinessParamsSchema = z.object({ organizationId: id });
export const OpsNumberParamsSchema = z.object({ organizationId: id, numberId: id });
export const OpsRefundParamsSchema = z.object({ refundId: id });

export const OpsBusinessesQuerySchema = z.object({ status: AccountStatusSchema.optional() });

export const OpsBusinessSummarySchema = z.object({
  organizationId: z.string(),
  status: AccountStatusSchema,
  statusReason: z.string().nullable(),
  startedAt: isoDate,
  termsVersion: z.string().nullable(),
  balance: z.number().int(),
  numbers: z.number().int().nonnegative(),
  pendingRefunds: z.number().int().nonnegative(),
});
export type OpsBusinessSummary = z.infer<typeof OpsBusinessSummarySchema>;

export const OpsBusinessesResponseSchema = namedObject('OpsBusinesses', { businesses: z.array(OpsBusinessSummarySchema) });
export type OpsBusinessesResponse = z.infer<typeof OpsBusinessesResponseSchema>;

export const OpsNumberSchema = z.object({
  id: z.string(),
  number: z.string(),
  displayName: z.string(),
  planStatus: z.string(),
  sendingRevoked: z.boolean(),
  connectedAt: isoDate,
  disconnectedAt: isoDate.nullable(),
});

export const OpsChargeSchema = z.object({
  id: z.string(),
  kind: z.enum(['direct', 'recurrent']),
  item: z.string(),
  description: z.string(),
  numberId: z.string().nullable(),
  priceCents: z.number().int(),
  status: z.string(),
  createdAt: isoDate,
  /** A cancellation of this plan charge we still owe LiveChat (no kept token yet, or LiveChat refused). */
  cancellationPending: z.boolean(),
});

export const OpsBusinessSchema = namedObject('OpsBusiness', {
  business: OpsBusinessSummarySchema.extend({
    timeZone: z.string(),
    lossCause: LossCauseSchema.nullable(),
    accessLostAt: isoDate.nullable(),
    installation: z.number().int().positive(),
  }),
  numbers: z.array(OpsNumberSchema),
  charges: z.array(OpsChargeSchema),
  refunds: z.array(RefundSchema),
  recentAudit: z.array(AuditEventSchema),
});
export type OpsBusiness = z.infer<typeof OpsBusinessSchema>;

export const OpsReasonRequestSchema = namedObject('OpsReasonRequest', { reason });
export type OpsReasonRequest = z.infer<typeof OpsReasonRequestSchema>;

export const OpsCloseRequestSchema = namedObject('OpsCloseRequest', {
  cause: z.enum(['livechat_account_closed', 'livechat_account_cancelled']),
  reason,
});
export type OpsCloseRequest = z.infer<typeof OpsCloseRequestSchema>;

export const OpsStartDateRequestSchema = namedObject('OpsStartDateRequest', { startedAt: isoDate, reason });
export type OpsStartDateRequest = z.infer<typeof OpsStartDateRequestSchema>;

export const OpsCreditRequestSchema = namedObject('OpsCreditRequest', {
  conversations: z.number().int().min(1).max(1_000_000),
  /** Part I: a discretionary credit is always recorded with its reason. */
  reason: z.string().trim().min(3, 'Say why this credit is granted').max(500),
  /** Idempotency key: repeating a request with the same key credits once. */
  key: z.string().min(8).max(100),
});
export type OpsCreditRequest = z.infer<typeof OpsCreditRequestSchema>;

export const OpsCreditResponseSchema = namedObject('OpsCreditResponse', {
  ledgerEntryId: z.string(),
  created: z.boolean(),
  balance: z.number().int(),
});
export type OpsCreditResponse = z.infer<typeof OpsCreditResponseSchema>;

export const OpsActionResponseSchema = namedObject('OpsActionResponse', {
  business: OpsBusinessSummarySchema,
  /** False when the business was already in the requested state (nothing changed, nothing new audited). */
  changed: z.boolean(),
  /** For terminate and close: what the loss of access did. */
  lossOfAccess: z
    .object({
      forfeited: z.number().int().nonnegative(),
      numbersDisconnected: z.number().int().nonnegative(),
      plansCancelled: z.number().int().nonnegative(),
      plansPending: z.number().int().nonnegative(),
    })
    .optional(),
});
export type OpsActionResponse = z.infer<typeof OpsActionResponseSchema>;

export const OpsRefundsQuerySchema = z.object({ status: RefundStatusSchema.optional() });
export const OpsRefundsResponseSchema = namedObject('OpsRefunds', { refunds: z.array(RefundSchema) });
export type OpsRefundsResponse = z.infer<typeof OpsRefundsResponseSchema>;
export const OpsRefundResponseSchema = namedObject('OpsRefund', { refund: RefundSchema });

export const OpsAuditQuerySchema = AuditQuerySchema.extend({ organizationId: id.optional() });
export type OpsAuditQuery = z.infer<typeof OpsAuditQuerySchema>;

/** `pnpm ops verify-ledger`: account rows compared with the sum of their entries. */
export const OpsLedgerVerifyQuerySchema = z.object({ organizationId: id.optional() });
const LedgerTotalsSchema = z.object({ remaining: z.number().int(), reserved: z.number().int() });
export const OpsLedgerVerifyResponseSchema = namedObject('OpsLedgerVerify', {
  /** Organizations compared (those with an account row or entries). */
  checked: z.number().int().nonnegative(),
  mismatches: z.array(z.object({ organizationId: id, account: LedgerTotalsSchema, entries: LedgerTotalsSchema })),
});
export type OpsLedgerVerifyResponse = z.infer<typeof OpsLedgerVerifyResponseSchema>;
