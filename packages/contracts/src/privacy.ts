import { z } from 'zod';
import { E164Schema } from './identity.ts';
import { namedObject } from './schema-builders.ts';

/** L.11a–d: what is held about one recipient of one organization, and their rights. */
const isoDate = z.string();

export const RecipientQuerySchema = namedObject('RecipientQuery', { phone: E164Schema });
export type RecipientQuery = z.infer<typeof RecipientQuerySchema>;

export const RecipientPhoneRequestSchema = namedObject('RecipientPhoneRequest', { phone: E164Schema });
export const RecipientReasonRequestSchema = namedObject('RecipientReasonRequest', {
  phone: E164Schema,
  reason: z.string().trim().min(1).max(500),
});
export const RecipientOptionalReasonRequestSchema = namedObject('RecipientOptionalReasonRequest', {
  phone: E164Schema,
  reason: z.string().trim().max(500).optional(),
});

export const RecipientDataSchema = namedObject('RecipientData', {
  phone: E164Schema,
  /** True when the number was erased: its records are held under a keyed hash, not the number. */
  erased: z.boolean(),
  messages: z.array(
    z.object({
      id: z.string(),
      numberId: z.string(),
      direction: z.string(),
      kind: z.string(),
      templateName: z.string().nullable(),
      category: z.string(),
      status: z.string(),
      createdAt: isoDate,
    }),
  ),
  conversations: z.array(
    z.object({ id: z.string(), numberId: z.string(), category: z.string(), openedAt: isoDate, expiresAt: isoDate, status: z.string() }),
  ),
  customerWindows: z.array(z.object({ numberId: z.string(), lastInboundAt: isoDate })),
  campaigns: z.array(
    z.object({
      campaignId: z.string(),
      campaignName: z.string(),
      status: z.string(),
      reason: z.string().nullable(),
      dispatchedAt: isoDate.nullable(),
    }),
  ),
  optOut: z.object({ source: z.string(), reason: z.string().nullable(), at: isoDate }).nullable(),
  restriction: z.object({ reason: z.string(), by: z.string().nullable(), at: isoDate }).nullable(),
});
export type RecipientData = z.infer<typeof RecipientDataSchema>;

export const RecipientEraseResponseSchema = namedObject('RecipientEraseResponse', {
  erased: z.record(z.string(), z.number().int()),
  data: RecipientDataSchema,
});
export type RecipientEraseResponse = z.infer<typeof RecipientEraseResponseSchema>;

export const OpsRecipientParamsSchema = z.object({ organizationId: z.string().min(1) });

// ---- the business's own rights (L.11a–b) -----------------------------------------------------------------

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((s) => (s === '' ? null : s));

/** The business's contact data; the owner or an admin may correct it at any time (L.11a–b). */
export const BusinessContactSchema = namedObject('BusinessContact', {
  companyName: z.string().trim().min(1, 'Enter the company name').max(200),
  contactName: z.string().trim().min(1, 'Enter a contact person').max(200),
  email: z.email('Enter a valid e-mail address').max(254),
  /** E.164, or null. */
  phone: z.union([E164Schema, z.literal('').transform(() => null), z.null()]),
  address: optionalText(500),
  taxId: optionalText(50),
});
export type BusinessContact = z.infer<typeof BusinessContactSchema>;
export type BusinessContactInput = z.input<typeof BusinessContactSchema>;

export const BusinessContactResponseSchema = namedObject('BusinessContactResponse', {
  contact: BusinessContactSchema.nullable(),
  updatedAt: isoDate.nullable(),
  /** From the signed-in LiveChat account, to prefill the form while nothing is saved. */
  suggested: z.object({ contactName: z.string().nullable(), email: z.string().nullable() }),
});
export type BusinessContactResponse = z.infer<typeof BusinessContactResponseSchema>;

/** What deleting a business's data keeps, and why (the retention duty, docs/privacy.md "Data retention"). */
export const KeptDataSchema = z.object({ data: z.string(), why: z.string(), keptForYears: z.number().int().positive().nullable() });

export const DataDeletionSchema = namedObject('DataDeletion', {
  /** none: not asked; requested: runs once the app is uninstalled; done: deleted. */
  status: z.enum(['none', 'requested', 'done']),
  /** False once the business uninstalled (or lost access otherwise): a request then deletes at once. */
  appInstalled: z.boolean(),
  requestedAt: isoDate.nullable(),
  requestedBy: z.string().nullable(),
  doneAt: isoDate.nullable(),
  /** Rows removed per table, once done. */
  deleted: z.record(z.string(), z.number().int()).nullable(),
  /** What is kept after deletion, and why. */
  kept: z.array(KeptDataSchema),
});
export type DataDeletion = z.infer<typeof DataDeletionSchema>;
