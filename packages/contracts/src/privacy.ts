import { z } from 'zod';
import { E164Schema } from './api.ts';

/** Issue 6 (L.11a–d): what is held about one recipient of one organization, and their rights. */
const isoDate = z.string();

export const RecipientQuerySchema = z.object({ phone: E164Schema }).meta({ id: 'RecipientQuery' });
export type RecipientQuery = z.infer<typeof RecipientQuerySchema>;

export const RecipientPhoneRequestSchema = z.object({ phone: E164Schema }).meta({ id: 'RecipientPhoneRequest' });
export const RecipientReasonRequestSchema = z
  .object({ phone: E164Schema, reason: z.string().trim().min(1).max(500) })
  .meta({ id: 'RecipientReasonRequest' });
export const RecipientOptionalReasonRequestSchema = z
  .object({ phone: E164Schema, reason: z.string().trim().max(500).optional() })
  .meta({ id: 'RecipientOptionalReasonRequest' });

export const RecipientDataSchema = z
  .object({
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
    conversations: z.array(z.object({ id: z.string(), numberId: z.string(), category: z.string(), openedAt: isoDate, expiresAt: isoDate, status: z.string() })),
    customerWindows: z.array(z.object({ numberId: z.string(), lastInboundAt: isoDate })),
    campaigns: z.array(z.object({ campaignId: z.string(), campaignName: z.string(), status: z.string(), reason: z.string().nullable(), dispatchedAt: isoDate.nullable() })),
    optOut: z.object({ source: z.string(), reason: z.string().nullable(), at: isoDate }).nullable(),
    restriction: z.object({ reason: z.string(), by: z.string().nullable(), at: isoDate }).nullable(),
  })
  .meta({ id: 'RecipientData' });
export type RecipientData = z.infer<typeof RecipientDataSchema>;

export const RecipientEraseResponseSchema = z
  .object({ erased: z.record(z.string(), z.number().int()), data: RecipientDataSchema })
  .meta({ id: 'RecipientEraseResponse' });
export type RecipientEraseResponse = z.infer<typeof RecipientEraseResponseSchema>;

export const OpsRecipientParamsSchema = z.object({ organizationId: z.string().min(1) });
