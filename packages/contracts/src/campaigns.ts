import { z } from 'zod';
import { nextCursorField, SeqCursorSchema } from './pagination.ts';
import { E164Schema } from './identity.ts';
import { BalanceSchema } from './ledger.ts';
import { MessageSchema } from './messages.ts';
import { TemplateCategorySchema } from './numbers.ts';
import { describeProviderError, type ProviderErrorInfo } from './provider-errors.ts';
import { id, isoDate, namedObject, phoneSearchPage } from './schema-builders.ts';

// ---- limits shared by the widget and the BFF -------------------------------------------------

export const CAMPAIGN_LIMITS = {
  /** Data rows a campaign CSV may hold. */
  maxRows: 100_000,
  /** A physical line longer than this is not a recipient list (a binary file, a pasted document). */
  maxLineBytes: 64 * 1024,
  /** Upload size cap; 100,000 rows of a phone and a few variables fit comfortably. */
  maxFileBytes: 50 * 1024 * 1024,
  maxVariables: 20,
} as const;

// ---- statuses ---------------------------------------------------------------------------------

export const CampaignStatusSchema = z.enum(['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled']);
export type CampaignStatus = z.infer<typeof CampaignStatusSchema>;

/**
 * Where one recipient stands. `pending`, `sending` and `confirming` are on the way; every other value is terminal
 * (delivery statuses keep moving sent → delivered → read as WhatsApp reports them, and a message WhatsApp
 * later rejects becomes `failed`). `confirming`: the message was handed to Kaleyra by an instance that stopped
 * before recording the answer; Kaleyra's status callbacks settle it, and only if none arrives in time is it
 * sent again.
 */
export const RecipientStatusSchema = z.enum([
  'pending',
  'sending',
  'confirming',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'cancelled',
]);
export type RecipientStatus = z.infer<typeof RecipientStatusSchema>;
export const TERMINAL_RECIPIENT_STATUSES: readonly RecipientStatus[] = ['sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'];

/** Reasons a recipient was not sent that are ours, not the provider's. */
const OWN_REASONS: Record<string, ProviderErrorInfo> = {
  opted_out: { message: 'The customer opted out of your messages, so they were not sent this one.', retryable: false },
  restricted: {
    message: "Processing of this customer's data is restricted at their request, so they were not sent this one.",
    retryable: false,
  },
  // The send policy's refusals: the same codes a one-on-one send is refused with (problem+json `code`).
  recipient_restricted: {
    message: "Processing of this customer's data is restricted at their request, so they were not sent this one.",
    retryable: false,
  },
  terms_not_accepted: { message: 'The owner has to accept the WhatsApp Business terms before anything can be sent.', retryable: true },
  organization_suspended: { message: 'Your WhatsApp Business account is suspended by the service operator.', retryable: true },
  account_closed: { message: 'Your WhatsApp Business account is closed, so nothing can be sent.', retryable: false },
  plan_limit: { message: "This number's plan does not include campaigns.", retryable: true },
  window_closed: {
    message: 'The customer has not written in the last 24 hours, so only an approved template can be sent.',
    retryable: false,
  },
  not_included: { message: 'Left out when the campaign was launched for the first recipients only.', retryable: false },
  insufficient_balance: {
    message: 'The conversation balance ran out before this customer could be messaged. Buy more conversations, then retry.',
    retryable: true,
  },
  unconfirmed: {
    message: 'Kaleyra never confirmed whether this message went out, so it was not sent again (to avoid a duplicate).',
    retryable: false,
  },
  cancelled: { message: 'The campaign was cancelled before this customer was messaged.', retryable: false },
  retries_exhausted: {
    message: 'Kaleyra kept refusing this message for a while, so we stopped trying. It can be sent again.',
    retryable: true,
  },
};

/** Plain-language reason for a recipient's failure or skip, whether it came from us or from Kaleyra/WhatsApp. */
export function describeRecipientReason(code: string | null | undefined): ProviderErrorInfo {
  if (code && OWN_REASONS[code]) return OWN_REASONS[code];
  return describeProviderError(code);
}

// ---- upload & check (steps 2 and 3) ---------------------------------------------------------

const columnName = z.string().min(1).max(200);

/** Column mapping of a recipient file: metadata (column names), never values. */
export const CampaignMappingSchema = z.object({
  phoneColumn: columnName,
  /** Column for each template variable, {{1}} first; null when every row uses the fallback. */
  variableColumns: z.array(columnName.nullable()).max(CAMPAIGN_LIMITS.maxVariables).default([]),
  /** Optional column with each contact's IANA time zone (used for quiet hours before the number's country). */
  timeZoneColumn: columnName.nullable().default(null),
  /** ISO 3166 alpha-2 country for numbers written without a country code. */
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'Two capital letters, e.g. PL')
    .nullable()
    .default(null),
});
export type CampaignMapping = z.infer<typeof CampaignMappingSchema>;

export const CampaignUploadSettingsSchema = CampaignMappingSchema.extend({
  name: z.string().trim().min(1, 'Name the campaign').max(100),
  numberId: id,
  templateName: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  /** Used where a row's variable is empty; applied at check time and erased with the row's values. */
  fallbacks: z.array(z.string().max(1024)).max(CAMPAIGN_LIMITS.maxVariables).default([]),
  /**
   * Adds a value per quick-reply button (its payload, which comes back when the customer taps it), mapped like the
   * variables: a column, or one value for the whole campaign, the button's label by default. Kaleyra v2 only; off,
   * a tap comes back with the label.
   */
  quickReplyPayloads: z.boolean().optional(),
});
export type CampaignUploadSettings = z.infer<typeof CampaignUploadSettingsSchema>;

const jsonParam = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .max(100_000)
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'Must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/**
 * `POST /api/campaigns` takes the recipient file as the raw request body (text/csv, UTF-8) and the settings
 * as one JSON query parameter, so the file streams straight into the check.
 */
export const CreateCampaignQuerySchema = z.object({ settings: jsonParam(CampaignUploadSettingsSchema) });

export const RetryFailedSettingsSchema = z.object({
  fallbacks: z.array(z.string().max(1024)).max(CAMPAIGN_LIMITS.maxVariables).default([]),
});
/** `POST /api/campaigns/{id}/retry`: optional text/csv body re-supplying the erased variable values. */
export const RetryFailedQuerySchema = z.object({ settings: jsonParam(RetryFailedSettingsSchema).optional() });

export const RejectionKindSchema = z.enum(['invalid', 'duplicate', 'opted_out', 'restricted', 'missing_variables']);
export type RejectionKind = z.infer<typeof RejectionKindSchema>;

export const RejectedRowSchema = z.object({
  line: z.number().int().positive(),
  /** The phone as written in the file (metadata). */
  phone: z.string(),
  kind: RejectionKindSchema,
  reason: z.string(),
});
export type RejectedRow = z.infer<typeof RejectedRowSchema>;

export const QuietHoursGroupSchema = z.object({
  key: z.string(),
  /** "France (Europe/Paris)", "United States, Florida", "Contact's zone Asia/Tokyo". */
  label: z.string(),
  recipients: z.number().int().nonnegative(),
  /** The local hours that apply, in words: "Mon–Fri 10:00–13:00, 14:00–20:00". */
  hours: z.string(),
  allowedNow: z.boolean(),
  /** Next moment sending is allowed for this group (now when allowed); null when never within two weeks. */
  nextWindowAt: isoDate.nullable(),
});
export type QuietHoursGroup = z.infer<typeof QuietHoursGroupSchema>;

export const CheckReportSchema = namedObject('CampaignCheckReport', {
  /** Data rows read (header excluded). */
  rows: z.number().int().nonnegative(),
  valid: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  optedOut: z.number().int().nonnegative(),
  /** Recipients whose processing is restricted at their request (L.11c); 0 in reports made before it counted. */
  restricted: z.number().int().nonnegative().default(0),
  missingVariables: z.number().int().nonnegative(),
  /** Valid recipients with a conversation already open on this number and category: free. */
  alreadyOpen: z.number().int().nonnegative(),
  /** Conversations the campaign would open (and spend). */
  needed: z.number().int().nonnegative(),
  /** Balance when checked. */
  balance: z.number().int().nonnegative(),
  /** How many conversations are missing (0 when the balance covers the campaign). */
  missing: z.number().int().nonnegative(),
  /** The first rejected rows; all of them download as CSV. */
  rejected: z.array(RejectedRowSchema),
  /** Valid recipients per country (ISO code, or "??" when unknown). */
  countries: z.array(z.object({ country: z.string(), recipients: z.number().int().nonnegative() })),
});
export type CheckReport = z.infer<typeof CheckReportSchema>;

// ---- campaign --------------------------------------------------------------------------------

export const RecipientCountsSchema = z.object({
  total: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  sending: z.number().int().nonnegative(),
  confirming: z.number().int().nonnegative(),
  sent: z.number().int().nonnegative(),
  delivered: z.number().int().nonnegative(),
  read: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
});
export type RecipientCounts = z.infer<typeof RecipientCountsSchema>;

export const CampaignSchema = namedObject('Campaign', {
  id: z.string(),
  name: z.string(),
  status: CampaignStatusSchema,
  numberId: z.string(),
  number: E164Schema,
  templateName: z.string(),
  language: z.string(),
  category: TemplateCategorySchema,
  variableCount: z.number().int().nonnegative(),
  mapping: CampaignMappingSchema,
  /** Whether quiet hours apply (marketing templates). */
  quietHours: z.boolean(),
  /** Messages per second chosen at launch; null = as fast as the number allows. */
  ratePerSecond: z.number().positive().nullable(),
  /** "Send to the first N": how many recipients were kept at launch; null = all. */
  sendLimit: z.number().int().positive().nullable(),
  /** Why it is paused when WE paused it (Kaleyra refused the account or number), else null. */
  pausedReason: z.string().nullable(),
  /** Conversations the campaign holds in reserve right now. */
  reserved: z.number().int().nonnegative(),
  counts: RecipientCountsSchema,
  /** Recipients that "Retry failed" would send again. */
  retryable: z.number().int().nonnegative(),
  /** Messages handed to Kaleyra per second over the last minute. */
  ratePerSecondNow: z.number().nonnegative(),
  /** Estimated end, from the pace and quiet hours; null when done or unknown. */
  estimatedFinishAt: isoDate.nullable(),
  /** Recipients waiting for their quiet hours to end. */
  waitingForQuietHours: z.number().int().nonnegative(),
  report: CheckReportSchema,
  createdAt: isoDate,
  scheduledAt: isoDate.nullable(),
  launchedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
});
export type Campaign = z.infer<typeof CampaignSchema>;

export const CampaignSummarySchema = CampaignSchema.pick({
  id: true,
  name: true,
  status: true,
  number: true,
  templateName: true,
  category: true,
  counts: true,
  createdAt: true,
  launchedAt: true,
  finishedAt: true,
  scheduledAt: true,
}).meta({ id: 'CampaignSummary' });
export type CampaignSummary = z.infer<typeof CampaignSummarySchema>;

export const CampaignsResponseSchema = namedObject('Campaigns', { campaigns: z.array(CampaignSummarySchema) });
export type CampaignsResponse = z.infer<typeof CampaignsResponseSchema>;

export const CampaignParamsSchema = z.object({ campaignId: id });

// ---- plan & launch (steps 5 and 6) -----------------------------------------------------------

const launchOptions = {
  /** Start at this moment instead of now (D.5: "schedule"). */
  scheduledAt: isoDate.nullable().default(null),
  /** Send to the first N valid recipients only (file order). */
  sendLimit: z.coerce.number().int().positive().nullable().default(null),
  /** Slower than the number's limit, e.g. to spread replies over the day. */
  ratePerSecond: z.coerce.number().min(0.1, 'At least 0.1 per second (6 per minute)').max(1000).nullable().default(null),
};

export const PlanQuerySchema = z.object({
  scheduledAt: isoDate.optional(),
  sendLimit: z.coerce.number().int().positive().optional(),
  ratePerSecond: z.coerce.number().min(0.1).max(1000).optional(),
});
export type PlanQuery = z.infer<typeof PlanQuerySchema>;

export const CampaignPlanSchema = namedObject('CampaignPlan', {
  recipients: z.number().int().nonnegative(),
  needed: z.number().int().nonnegative(),
  alreadyOpen: z.number().int().nonnegative(),
  balance: BalanceSchema,
  missing: z.number().int().nonnegative(),
  /** The largest "first N" the balance covers right now. */
  affordable: z.number().int().nonnegative(),
  ratePerSecond: z.number().positive(),
  startAt: isoDate,
  estimatedFinishAt: isoDate.nullable(),
  quietHours: z.boolean(),
  groups: z.array(QuietHoursGroupSchema),
});
export type CampaignPlan = z.infer<typeof CampaignPlanSchema>;

export const LaunchCampaignRequestSchema = namedObject('LaunchCampaignRequest', launchOptions);
export type LaunchCampaignRequest = z.infer<typeof LaunchCampaignRequestSchema>;

export const CampaignResponseSchema = namedObject('CampaignResponse', { campaign: CampaignSchema });
export type CampaignResponse = z.infer<typeof CampaignResponseSchema>;

export const TestSendRequestSchema = namedObject('CampaignTestSendRequest', { to: E164Schema });
export type TestSendRequest = z.infer<typeof TestSendRequestSchema>;
export const TestSendResponseSchema = namedObject('CampaignTestSendResponse', { message: MessageSchema, balance: BalanceSchema });
export type TestSendResponse = z.infer<typeof TestSendResponseSchema>;

export const RetryFailedResponseSchema = namedObject('RetryFailedResponse', {
  campaign: CampaignSchema,
  /** Recipients queued again. */
  retried: z.number().int().nonnegative(),
  /** Failed recipients whose row was not in the file given (their values were erased after sending). */
  notInFile: z.number().int().nonnegative(),
});
export type RetryFailedResponse = z.infer<typeof RetryFailedResponseSchema>;

// ---- progress & report (step 8) --------------------------------------------------------------

export const CampaignRecipientSchema = z.object({
  id: z.string(),
  line: z.number().int().positive(),
  recipient: E164Schema,
  status: RecipientStatusSchema,
  /** Provider or own code when failed or skipped. */
  reasonCode: z.string().nullable(),
  /** Plain-language reason. */
  reason: z.string().nullable(),
  retryable: z.boolean(),
  attempts: z.number().int().nonnegative(),
  messageId: z.string().nullable(),
  dispatchedAt: isoDate.nullable(),
  updatedAt: isoDate.nullable(),
});
export type CampaignRecipient = z.infer<typeof CampaignRecipientSchema>;

export const RecipientsQuerySchema = z.object({
  status: RecipientStatusSchema.optional(),
  ...phoneSearchPage,
  /** Continues after the previous page (file order). */
  cursor: SeqCursorSchema.optional(),
});
export type RecipientsQuery = z.infer<typeof RecipientsQuerySchema>;

export const RecipientsResponseSchema = namedObject('CampaignRecipients', {
  recipients: z.array(CampaignRecipientSchema),
  total: z.number().int().nonnegative(),
  ...nextCursorField,
});
export type RecipientsResponse = z.infer<typeof RecipientsResponseSchema>;

// ---- quiet hours policy (D.5) -----------------------------------------------------------------

export const QuietHoursPolicyViewSchema = namedObject('QuietHoursPolicy', {
  rules: z.array(z.object({ id: z.string(), label: z.string(), hours: z.string() })),
  defaultHours: z.string(),
});
export type QuietHoursPolicyView = z.infer<typeof QuietHoursPolicyViewSchema>;
