import { z } from 'zod';
import { nextCursorField, pageLimit, TimeTextCursorSchema } from './pagination.ts';
import { E164Schema } from './identity.ts';
import { BalanceSchema } from './ledger.ts';
import { ApiVersionSchema, BillingCycleSchema, WhatsAppNumberSchema, type BillingCycle } from './numbers.ts';
import { id, isoDate, namedObject } from './schema-builders.ts';

/** Integer cents, as LiveChat's Billing API takes prices. */
const cents = z.number().int().nonnegative();
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes');

// ---- catalog (F.1): served by the BFF, configured by the operator, never hard-coded in the widget ----------

export const BILLING_CYCLE_MONTHS: Record<BillingCycle, number> = { monthly: 1, annual: 12 };

/** What a plan allows each of its numbers; only limits the product enforces or shows. */
export const PlanLimitsSchema = z.object({
  /** Messages per second a number may send (campaign pacing); WhatsApp's own cap is 80. */
  messagesPerSecond: z.number().int().min(1).max(1000),
  /** Whether the number may run bulk campaigns (one-on-one sending is in every plan). */
  campaigns: z.boolean(),
});
export type PlanLimits = z.infer<typeof PlanLimitsSchema>;

export const CatalogPlanSchema = z.object({
  id: slug,
  name: z.string().min(1).max(40),
  description: z.string().max(200).default(''),
  limits: PlanLimitsSchema,
  /** Price per billing period in integer cents: `monthly` every month, `annual` every 12 months. */
  prices: z.object({ monthly: cents.positive(), annual: cents.positive() }),
});
export type CatalogPlan = z.infer<typeof CatalogPlanSchema>;

export const CatalogPackageSchema = z.object({
  id: slug,
  conversations: z.number().int().positive().max(1_000_000),
  price: cents.positive(),
});
export type CatalogPackage = z.infer<typeof CatalogPackageSchema>;

export const CatalogSchema = namedObject('Catalog', {
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('USD'),
  plans: z.array(CatalogPlanSchema).min(1),
  packages: z.array(CatalogPackageSchema).min(1),
});
export type Catalog = z.infer<typeof CatalogSchema>;

// ---- charges and bills --------------------------------------------------------------------------------------

export const ChargeKindSchema = z.enum(['direct', 'recurrent']);
export type ChargeKind = z.infer<typeof ChargeKindSchema>;

/**
 * Direct (packages): pending → accepted → processed → success | failed, or pending → declined; `cancelled` when a
 * charge nobody approved went stale. Recurrent (plans): pending → accepted → active ⇄ past_due ⇄ frozen → cancelled,
 * or pending → declined.
 */
export const ChargeStatusSchema = z.enum([
  'pending',
  'accepted',
  'processed',
  'success',
  'failed',
  'declined',
  'active',
  'past_due',
  'frozen',
  'cancelled',
]);
export type ChargeStatus = z.infer<typeof ChargeStatusSchema>;

export const BillSchema = namedObject('Bill', {
  id: z.string(),
  kind: ChargeKindSchema,
  /** Catalog item: `package:500`, `plan:standard:monthly`. */
  item: z.string(),
  /** What the owner saw in the payment modal. */
  description: z.string(),
  priceCents: cents,
  currency: z.string(),
  quantity: z.number().int().positive(),
  /** Billing period of a plan in months; null for packages. */
  months: z.number().int().positive().nullable(),
  /** Conversations a package adds; null for plans. */
  conversations: z.number().int().positive().nullable(),
  /** Conversations the ledger actually credited for this charge (0 until it is verified as paid). */
  credited: z.number().int().nonnegative(),
  numberId: z.string().nullable(),
  number: E164Schema.nullable(),
  status: ChargeStatusSchema,
  nextChargeAt: isoDate.nullable(),
  createdAt: isoDate,
});
export type Bill = z.infer<typeof BillSchema>;

/** A page of bills, newest first (ties broken by charge id); `cursor` continues after the previous page. */
export const BillsQuerySchema = z.object({
  limit: pageLimit(50, 200),
  cursor: TimeTextCursorSchema.optional(),
});
export type BillsQuery = z.infer<typeof BillsQuerySchema>;

export const BillsResponseSchema = namedObject('Bills', { bills: z.array(BillSchema), ...nextCursorField });
export type BillsResponse = z.infer<typeof BillsResponseSchema>;

export const ChargeParamsSchema = z.object({ chargeId: id });

/**
 * The Billing API's own charge object, handed to the SDK's `startTransaction`. The widget reads only `id`; the
 * rest passes through untouched, as LiveChat's payment modal expects it.
 */
export const LiveChatChargeSchema = z.looseObject({ id: z.string(), name: z.string(), price: z.number(), status: z.string() });
export type LiveChatCharge = z.infer<typeof LiveChatChargeSchema>;

export const BuyPackageRequestSchema = z.object({
  /** A catalog package id. The price always comes from the catalog (C.6), never from the client. */
  packageId: z.string().trim().min(1, 'Choose a package').max(50),
});
export type BuyPackageRequest = z.infer<typeof BuyPackageRequestSchema>;

export const PurchaseResponseSchema = namedObject('Purchase', { bill: BillSchema, charge: LiveChatChargeSchema });
export type PurchaseResponse = z.infer<typeof PurchaseResponseSchema>;

/** Where a charge stands after the BFF re-fetched it from the Billing API. */
export const ChargeOutcomeSchema = z.enum([
  'credited',
  'active',
  'processing',
  'awaiting_approval',
  'declined',
  'failed',
  'cancelled',
  'past_due',
  'frozen',
]);
export type ChargeOutcome = z.infer<typeof ChargeOutcomeSchema>;

export const ConfirmChargeResponseSchema = namedObject('ConfirmCharge', {
  bill: BillSchema,
  outcome: ChargeOutcomeSchema,
  /** True once the charge can change no more for this purchase (credited, active, declined, failed, cancelled). */
  settled: z.boolean(),
  /** Plain-language result for the owner, e.g. why nothing was credited. */
  message: z.string(),
  balance: BalanceSchema,
});
export type ConfirmChargeResponse = z.infer<typeof ConfirmChargeResponseSchema>;

// ---- numbers: connect, plan, disconnect ---------------------------------------------------------------------

export const ConnectNumberRequestSchema = z.object({
  /** Any common notation; the BFF checks and normalises it to E.164. */
  number: z.string().trim().min(1, 'Enter the WhatsApp number').max(32),
  displayName: z.string().trim().min(1, 'Enter the display name').max(100),
  apiVersion: ApiVersionSchema,
  wabaId: z
    .string()
    .trim()
    .min(1, 'Enter the WhatsApp Business Account id')
    .max(100)
    .regex(/^[\w.-]+$/, 'Letters, digits, dots, dashes and underscores only'),
  planId: z.string().trim().min(1, 'Choose a plan').max(50),
  billingCycle: BillingCycleSchema,
});
export type ConnectNumberRequest = z.infer<typeof ConnectNumberRequestSchema>;

export const ChoosePlanRequestSchema = z.object({
  planId: z.string().trim().min(1, 'Choose a plan').max(50),
  billingCycle: BillingCycleSchema,
});
export type ChoosePlanRequest = z.infer<typeof ChoosePlanRequestSchema>;

export const NumberPurchaseResponseSchema = namedObject('NumberPurchase', {
  number: WhatsAppNumberSchema,
  bill: BillSchema,
  charge: LiveChatChargeSchema,
});
export type NumberPurchaseResponse = z.infer<typeof NumberPurchaseResponseSchema>;

export const DisconnectNumberResponseSchema = namedObject('DisconnectedNumber', { number: WhatsAppNumberSchema });
export type DisconnectNumberResponse = z.infer<typeof DisconnectNumberResponseSchema>;

/** What the owner enters in Kaleyra's console so status callbacks and incoming messages reach us. */
export const CallbackSettingsSchema = namedObject('CallbackSettings', {
  statusUrl: z.url(),
  incomingUrl: z.url(),
  username: z.string(),
  password: z.string(),
});
export type CallbackSettings = z.infer<typeof CallbackSettingsSchema>;

// ---- balance settings and usage -----------------------------------------------------------------------------

export const LowBalanceThresholdRequestSchema = z.object({
  /** Warn below this many conversations; null turns the warning off. */
  threshold: z.number().int().min(1, 'At least 1').max(1_000_000).nullable(),
});
export type LowBalanceThresholdRequest = z.infer<typeof LowBalanceThresholdRequestSchema>;

export const UsageQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(90).default(30),
  /** IANA time zone the days are counted in (the owner's); UTC when absent. */
  tz: z.string().max(64).optional(),
});
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const UsageSchema = namedObject('Usage', {
  timeZone: z.string(),
  from: day,
  to: day,
  total: z.number().int().nonnegative(),
  /** One entry per day, oldest first, with the conversations each number opened (and kept) that day. */
  days: z.array(
    z.object({
      date: day,
      total: z.number().int().nonnegative(),
      byNumber: z.array(z.object({ numberId: z.string(), count: z.number().int().nonnegative() })),
    }),
  ),
  numbers: z.array(z.object({ id: z.string(), displayName: z.string(), number: z.string(), total: z.number().int().nonnegative() })),
});
export type Usage = z.infer<typeof UsageSchema>;
