import { z } from 'zod';
import { namedObject } from './schema-builders.ts';

/** Stable machine-readable error codes. Clients switch on these, never on `title` or `detail`. */
export const ErrorCode = {
  validation: 'validation_failed',
  unauthenticated: 'unauthenticated',
  tokenExpired: 'token_expired',
  foreignClient: 'foreign_client',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  insufficientBalance: 'insufficient_balance',
  numberNotActive: 'number_not_active',
  sendingRevoked: 'sending_revoked',
  templateNotApproved: 'template_not_approved',
  templateVariables: 'template_variables',
  windowClosed: 'window_closed',
  optedOut: 'opted_out',
  /** L.11c: the recipient asked to restrict processing. */
  recipientRestricted: 'recipient_restricted',
  providerError: 'provider_error',
  providerUnavailable: 'provider_unavailable',
  upstreamUnavailable: 'upstream_unavailable',
  webhookUnauthorized: 'webhook_unauthorized',
  rateLimited: 'rate_limited',
  termsNotAccepted: 'terms_not_accepted',
  suspended: 'organization_suspended',
  chargeNotPayable: 'charge_not_payable',
  /** A recipient file that is not a usable CSV (encoding, missing column, a huge line, too many rows). */
  csvInvalid: 'csv_invalid',
  /** An upload larger than the service takes (bytes or rows). */
  fileTooLarge: 'file_too_large',
  /** The request body is not of a type the endpoint takes (e.g. a recipient file sent as a form). */
  unsupportedMediaType: 'unsupported_media_type',
  /** A service we depend on answered, but refused or failed the request (nothing was changed). */
  upstreamRefused: 'upstream_refused',
  /** The campaign is not in a state that allows this (e.g. launching a cancelled one). */
  campaignState: 'campaign_state',
  /** The number's plan does not include this (catalog limits, F.1), e.g. campaigns on Starter. */
  planLimit: 'plan_limit',
  // lifecycle, refunds, operators
  accountClosed: 'account_closed',
  refundNotEligible: 'refund_not_eligible',
  planCancellationFailed: 'plan_cancellation_failed',
  internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const errorCodes = Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(errorCodes);

export const FieldErrorSchema = z.object({
  /** Dotted path of the failing field, e.g. `variables.1`. */
  path: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** RFC 9457 problem details, with our stable `code`. */
export const ProblemSchema = namedObject('Problem', {
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: ErrorCodeSchema,
  errors: z.array(FieldErrorSchema).optional(),
  /** Provider error code (Kaleyra/Meta) when the failure came from the provider. */
  providerCode: z.string().optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
