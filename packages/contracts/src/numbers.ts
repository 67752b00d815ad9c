import { z } from 'zod';
import { E164Schema } from './identity.ts';
import { id, isoDate, namedObject } from './schema-builders.ts';

/** WhatsApp numbers, their plans and their synced templates. */

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

export const WhatsAppNumberSchema = namedObject('WhatsAppNumber', {
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
});
export type WhatsAppNumber = z.infer<typeof WhatsAppNumberSchema>;

export const NumbersResponseSchema = namedObject('Numbers', { numbers: z.array(WhatsAppNumberSchema) });
export type NumbersResponse = z.infer<typeof NumbersResponseSchema>;

export const TemplateCategorySchema = z.enum(['marketing', 'utility', 'authentication']);
export type TemplateCategory = z.infer<typeof TemplateCategorySchema>;
export const ConversationCategorySchema = z.enum(['marketing', 'utility', 'authentication', 'service']);
export type ConversationCategory = z.infer<typeof ConversationCategorySchema>;

export const TemplateStatusSchema = z.enum(['approved', 'pending', 'rejected', 'paused', 'disabled']);
export type TemplateStatus = z.infer<typeof TemplateStatusSchema>;

export const TemplateSchema = namedObject('Template', {
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
});
export type Template = z.infer<typeof TemplateSchema>;

export const TemplatesResponseSchema = namedObject('Templates', { templates: z.array(TemplateSchema), syncedAt: isoDate.nullable() });
export type TemplatesResponse = z.infer<typeof TemplatesResponseSchema>;

export const NumberParamsSchema = z.object({ numberId: id });
