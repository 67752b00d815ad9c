import { z } from 'zod';
import { E164_PATTERN } from './phone-pattern.ts';
import { nextCursorField, pageLimit, TimeUuidCursorSchema } from './pagination.ts';

const isoDate = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(100);

export const RoleSchema = z.enum(['owner', 'admin', 'agent']);
export type Role = z.infer<typeof RoleSchema>;

export const E164Schema = z.string().regex(E164_PATTERN, 'Must be an E.164 number, e.g. +48221234567');

// ---- identity -------------------------------------------------------------------------------

export const MeResponseSchema = z
  .object({
    accountId: z.string(),
    organizationId: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    role: RoleSchema,
    /** Owners and admins manage numbers, billing and campaigns. */
    canManage: z.boolean(),
  })
  .meta({ id: 'Me' });
export type MeResponse = z.infer<typeof MeResponseSchema>;

// ---- balance & ledger -----------------------------------------------------------------------

export const BalanceSchema = z
  .object({
    /** Conversations that can still be opened: sum of the ledger. */
    remaining: z.number().int().nonnegative(),
    /** Part of `remaining`'s history currently held by running campaigns (already subtracted). */
    reserved: z.number().int().nonnegative(),
    lowBalanceThreshold: z.number().int().nonnegative().nullable(),
    low: z.boolean(),
  })
  .meta({ id: 'Balance' });
export type Balance = z.infer<typeof BalanceSchema>;

export const LedgerReasonSchema = z.enum([
  'purchase',
  'conversation_opened',
  'conversation_released',
  'reservation',
  'reservation_released',
  'forfeited',
  'operator_credit',
]);
export type LedgerReason = z.infer<typeof LedgerReasonSchema>;

export const LedgerEntrySchema = z.object({
  id: z.string(),
  delta: z.number().int(),
  reason: LedgerReasonSchema,
  reference: z.string().nullable(),
  numberId: z.string().nullable(),
  createdAt: isoDate,
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** A page of the ledger, newest first (ties broken by id); `cursor` continues after the previous page. */
export const LedgerQuerySchema = z.object({
  limit: pageLimit(100, 500),
  cursor: TimeUuidCursorSchema.optional(),
});
export type LedgerQuery = z.infer<typeof LedgerQuerySchema>;

export const LedgerResponseSchema = z
  .object({ entries: z.array(LedgerEntrySchema), balance: BalanceSchema, ...nextCursorField })
  .meta({ id: 'Ledger' });
export type LedgerResponse = z.infer<typeof LedgerResponseSchema>;

// ---- numbers & templates --------------------------------------------------------------------

export const ApiVersionSchema = z.enum(['v1', 'v2']);
export type ApiVersion = z.infer<typeof ApiVersionSchema>;

export const PlanStatusSchema = z.enum(['pending', 'active', 'past_due', 'frozen', 'cancelled', 'declined']);
export type PlanStatus = z.infer<typeof PlanStatusSchema>;

export const BillingCycleSchema = z.enum(['monthly', 'annual']);
export type BillingCycle = z.infer<typeof BillingCycleSchema>;

export const NumberPlanSchema = z.object({
  planId: z.string(),
  planName: z.string(),
  billingCycle: BillingCycleSchema,
  priceCents: z.number().int().nonnegative(),
  chargeId: z.string(),
  nextChargeAt: isoDate.nullable(),
});
export type NumberPlan = z.infer<typeof NumberPlanSchema>;

export const WhatsAppNumberSchema = z
  .object({
    id: z.string(),
    number: E164Schema,
    displayName: z.string(),
    apiVersion: ApiVersionSchema,
    wabaId: z.string(),
    planStatus: PlanStatusSchema,
    canSend: z.boolean(),
    /** Why sending is refused, in words an agent understands; null when `canSend`. */
    cannotSendReason: z.string().nullable(),
    /** The plan this number pays for (its latest recurrent charge); null before one was chosen. */
    plan: NumberPlanSchema.nullable().optional(),
    createdAt: isoDate,
  })
  .meta({ id: 'WhatsAppNumber' });
export type WhatsAppNumber = z.infer<typeof WhatsAppNumberSchema>;

export const NumbersResponseSchema = z.object({ numbers: z.array(WhatsAppNumberSchema) }).meta({ id: 'Numbers' });
export type NumbersResponse = z.infer<typeof NumbersResponseSchema>;

export const TemplateCategorySchema = z.enum(['marketing', 'utility', 'authentication']);
export type TemplateCategory = z.infer<typeof TemplateCategorySchema>;
export const ConversationCategorySchema = z.enum(['marketing', 'utility', 'authentication', 'service']);
export type ConversationCategory = z.infer<typeof ConversationCategorySchema>;

export const TemplateStatusSchema = z.enum(['approved', 'pending', 'rejected', 'paused', 'disabled']);
export type TemplateStatus = z.infer<typeof TemplateStatusSchema>;

export const TemplateSchema = z
  .object({
    name: z.string(),
    language: z.string(),
    category: TemplateCategorySchema,
    status: TemplateStatusSchema,
    header: z.string().nullable(),
    body: z.string(),
    footer: z.string().nullable(),
    buttons: z.array(z.object({ type: z.string(), text: z.string() })),
    variableCount: z.number().int().nonnegative(),
    rejectedReason: z.string().nullable(),
    /** Media header format, dynamic URL buttons and their indexes: what a send has to fill beyond the body. */
    headerFormat: z.enum(['none', 'text', 'image', 'video', 'document', 'location']).optional(),
    richButtons: z.array(z.object({ type: z.string(), text: z.string(), url: z.string().nullable(), dynamic: z.boolean() })).optional(),
  })
  .meta({ id: 'Template' });
export type Template = z.infer<typeof TemplateSchema>;

export const TemplatesResponseSchema = z
  .object({ templates: z.array(TemplateSchema), syncedAt: isoDate.nullable() })
  .meta({ id: 'Templates' });
export type TemplatesResponse = z.infer<typeof TemplatesResponseSchema>;

export const NumberParamsSchema = z.object({ numberId: id });

// ---- conversations & messages ---------------------------------------------------------------

export const QuoteQuerySchema = z.object({
  numberId: id,
  to: E164Schema,
  category: ConversationCategorySchema,
});
export type QuoteQuery = z.infer<typeof QuoteQuerySchema>;

export const QuoteSchema = z
  .object({
    /** True when this send opens a new conversation and spends one from the balance. */
    opensConversation: z.boolean(),
    cost: z.number().int().nonnegative(),
    remaining: z.number().int().nonnegative(),
    /** End of the open conversation this send rides on (or would open), ISO. */
    conversationOpenUntil: isoDate.nullable(),
    /** End of the customer-service window (24 h after the customer's last message), ISO. */
    customerWindowOpenUntil: isoDate.nullable(),
    /**
     * Category of the open conversation this send rides on, when it opens none. Free text rides on an open
     * conversation of any category (WhatsApp's 2024 rules); a template only on one of its own category.
     */
    ridesOn: ConversationCategorySchema.nullable().optional(),
  })
  .meta({ id: 'Quote' });
export type Quote = z.infer<typeof QuoteSchema>;

export const MessageStatusSchema = z.enum(['queued', 'accepted', 'sent', 'delivered', 'read', 'failed', 'not_sent']);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;
export const FINAL_MESSAGE_STATUSES: readonly MessageStatus[] = ['read', 'failed', 'not_sent'];

const sendBase = {
  numberId: id,
  to: E164Schema,
  /** Client-generated idempotency key: a retried request with the same key never sends twice. */
  clientRef: z.uuid(),
  chatId: z.string().max(100).optional(),
};

export const SendTemplateRequestSchema = z.object({
  ...sendBase,
  kind: z.literal('template'),
  templateName: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  variables: z.array(z.string().max(1024)).max(20),
  /** Rich templates: the text header's value, the media header's https link, a value per button (URL suffix, quick-reply payload). */
  headerText: z.string().max(60).optional(),
  headerMediaUrl: z.string().max(2000).optional(),
  buttonValues: z.array(z.string().max(1000)).max(10).optional(),
});
export const SendTextRequestSchema = z.object({
  ...sendBase,
  kind: z.literal('text'),
  text: z.string().trim().min(1, 'Write a message').max(4096),
});
export const SendMessageRequestSchema = z
  .discriminatedUnion('kind', [SendTemplateRequestSchema, SendTextRequestSchema])
  .meta({ id: 'SendMessageRequest' });
export type SendMessageRequest = z.infer<typeof SendMessageRequestSchema>;

export const MessageSchema = z
  .object({
    id: z.string(),
    numberId: z.string(),
    to: z.string(),
    kind: z.enum(['template', 'text']),
    templateName: z.string().nullable(),
    category: ConversationCategorySchema,
    status: MessageStatusSchema,
    /** Provider (Kaleyra/Meta) error code when failed. */
    errorCode: z.string().nullable(),
    /** Plain-language explanation of the failure. */
    errorMessage: z.string().nullable(),
    /** Conversations this message spent (1 when it opened one, 0 otherwise; back to 0 if released). */
    conversationsSpent: z.number().int().nonnegative(),
    timeline: z.array(z.object({ status: MessageStatusSchema, at: isoDate })),
    createdAt: isoDate,
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof MessageSchema>;

export const SendMessageResponseSchema = z
  .object({ message: MessageSchema, openedConversation: z.boolean(), balance: BalanceSchema })
  .meta({ id: 'SendMessageResponse' });
export type SendMessageResponse = z.infer<typeof SendMessageResponseSchema>;

/** A page of one recipient's messages, newest first; `cursor` continues after the previous page. */
export const MessagesQuerySchema = z.object({
  to: E164Schema,
  numberId: id.optional(),
  limit: pageLimit(50, 200),
  cursor: TimeUuidCursorSchema.optional(),
});
export type MessagesQuery = z.infer<typeof MessagesQuerySchema>;
export const MessagesResponseSchema = z.object({ messages: z.array(MessageSchema), ...nextCursorField }).meta({ id: 'Messages' });
export type MessagesResponse = z.infer<typeof MessagesResponseSchema>;

export const HealthResponseSchema = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });

/** Readiness (200 ready, 503 not): what was checked, and in words what is not ready. */
export const ReadinessResponseSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  ready: z.boolean(),
  checks: z.object({
    database: z.enum(['ok', 'unreachable']),
    migrations: z.enum(['ok', 'pending', 'unknown']),
    queue: z.enum(['not_run_here', 'starting', 'started', 'stopped']),
    shutdown: z.enum(['no', 'in_progress']),
  }),
  notReady: z.array(z.string()),
});

/** What the widget needs before sign-in. Served by the BFF so one widget build runs against any environment. */
export const PublicConfigSchema = z
  .object({
    accountsUrl: z.url(),
    clientId: z.string(),
    termsUrl: z.url(),
    termsVersion: z.string(),
  })
  .meta({ id: 'PublicConfig' });
export type PublicConfig = z.infer<typeof PublicConfigSchema>;
