import { z } from 'zod';
import { E164Schema } from './identity.ts';
import { nextCursorField, TimeTextCursorSchema } from './pagination.ts';
import { id, isoDate, namedObject, phoneSearchPage } from './schema-builders.ts';

// ---- the suppression list (terms F.4) ------------------------------------------------------

/**
 * How a recipient got on the suppression list: a STOP-like keyword, the "Stop" quick-reply button,
 * an owner's manual entry or CSV import, or a consent withdrawal recorded elsewhere.
 */
export const OptOutSourceSchema = z.enum(['keyword', 'button', 'manual', 'import', 'consent_withdrawn']);
export type OptOutSource = z.infer<typeof OptOutSourceSchema>;

export const OptOutSchema = namedObject('OptOut', {
  recipient: E164Schema,
  source: OptOutSourceSchema,
  /** The owner's note for manual and imported entries; null for the customer's own opt-outs. */
  reason: z.string().nullable(),
  /** LiveChat account id of the owner who added it; null when the customer opted out. */
  createdBy: z.string().nullable(),
  createdAt: isoDate,
});
export type OptOut = z.infer<typeof OptOutSchema>;

export const OptOutsQuerySchema = z.object({
  ...phoneSearchPage,
  /** Continues after the previous page (newest first, ties broken by phone number). */
  cursor: TimeTextCursorSchema.optional(),
});
export type OptOutsQuery = z.infer<typeof OptOutsQuerySchema>;

export const OptOutKeywordsSchema = namedObject('OptOutKeywords', {
  /** Whole messages (or quick-reply taps) that opt a customer out; matched ignoring case, accents, spaces and punctuation. */
  optOut: z.array(z.string()),
  /** Whole messages that opt a customer back in (only undoes the customer's own opt-outs). */
  optIn: z.array(z.string()),
});
export type OptOutKeywords = z.infer<typeof OptOutKeywordsSchema>;

export const OptOutsResponseSchema = namedObject('OptOuts', {
  optOuts: z.array(OptOutSchema),
  /** Entries matching the search, all pages. */
  total: z.number().int().nonnegative(),
  keywords: OptOutKeywordsSchema,
  ...nextCursorField,
});
export type OptOutsResponse = z.infer<typeof OptOutsResponseSchema>;

export const AddOptOutRequestSchema = namedObject('AddOptOutRequest', {
  recipient: E164Schema,
  reason: z.string().trim().min(1, 'Say why this customer must not be messaged').max(500),
});
export type AddOptOutRequest = z.infer<typeof AddOptOutRequestSchema>;

export const AddOptOutResponseSchema = namedObject('AddOptOutResponse', { optOut: OptOutSchema, created: z.boolean() });
export type AddOptOutResponse = z.infer<typeof AddOptOutResponseSchema>;

export const OptOutParamsSchema = z.object({ recipient: E164Schema });

export const RemoveOptOutResponseSchema = namedObject('RemoveOptOutResponse', { removed: z.boolean() });

/** A CSV of at most about 1 MB: `phone[,reason]`, with or without a header row. */
export const ImportOptOutsRequestSchema = namedObject('ImportOptOutsRequest', {
  csv: z.string().min(1, 'The file is empty').max(1_000_000, 'The file is larger than 1 MB; split it'),
  /** `reject` imports nothing when any row is invalid; `skip` imports the valid rows and reports the rest. */
  onInvalidRows: z.enum(['reject', 'skip']).default('reject'),
  /** Used for rows without a reason of their own. */
  defaultReason: z.string().trim().max(500).optional(),
});
export type ImportOptOutsRequest = z.input<typeof ImportOptOutsRequestSchema>;

export const CsvRowErrorSchema = z.object({
  /** 1-based line of the file, as a spreadsheet shows it. */
  line: z.number().int().positive(),
  message: z.string(),
});
export type CsvRowError = z.infer<typeof CsvRowErrorSchema>;

export const ImportOptOutsResponseSchema = namedObject('ImportOptOutsResponse', {
  /** Data rows read (header excluded). */
  rows: z.number().int().nonnegative(),
  added: z.number().int().nonnegative(),
  alreadyListed: z.number().int().nonnegative(),
  /** Rows not imported, by line. With `reject`, a non-empty list means nothing was imported. */
  invalid: z.array(CsvRowErrorSchema),
  imported: z.boolean(),
});
export type ImportOptOutsResponse = z.infer<typeof ImportOptOutsResponseSchema>;

export const ExportOptOutsResponseSchema = namedObject('ExportOptOutsResponse', {
  filename: z.string(),
  csv: z.string(),
  count: z.number().int().nonnegative(),
});
export type ExportOptOutsResponse = z.infer<typeof ExportOptOutsResponseSchema>;

// ---- the opt-out instruction of marketing templates, per number -----------------------------

/**
 * How a marketing template of a number carries its opt-out instruction:
 * - `own`: the template already tells the customer how to opt out (footer/body keyword or a Stop button);
 * - `added`: an approved copy with the instruction as its footer is sent in its place;
 * - `waiting`: that copy is waiting for WhatsApp's review, so the template cannot be sent yet;
 * - `refused`: WhatsApp rejected (or paused/disabled) the copy, so the template cannot be sent;
 * - `missing`: no copy exists (the instruction is off, or submitting the copy failed).
 */
export const OptOutInstructionStateSchema = z.enum(['own', 'added', 'waiting', 'refused', 'missing']);
export type OptOutInstructionState = z.infer<typeof OptOutInstructionStateSchema>;

export const OptOutInstructionTemplateSchema = z.object({
  name: z.string(),
  language: z.string(),
  state: OptOutInstructionStateSchema,
  /** The template actually sent in place of this one, when a copy carries the instruction. */
  sendsAs: z.string().nullable(),
  /** Why the template cannot be sent, in plain words; null when it can. */
  blockedReason: z.string().nullable(),
});
export type OptOutInstructionTemplate = z.infer<typeof OptOutInstructionTemplateSchema>;

export const OptOutInstructionSchema = namedObject('OptOutInstruction', {
  numberId: z.string(),
  enabled: z.boolean(),
  /** The footer line added to marketing templates (WhatsApp allows 60 characters in a footer). */
  instruction: z.string(),
  /** Marketing templates of the number and how each carries the instruction. */
  templates: z.array(OptOutInstructionTemplateSchema),
  /** Names of the copies made for the instruction: not offered in the template picker. */
  copies: z.array(z.object({ name: z.string(), language: z.string() })),
});
export type OptOutInstruction = z.infer<typeof OptOutInstructionSchema>;

export const OptOutInstructionParamsSchema = z.object({ numberId: id });

export const UpdateOptOutInstructionRequestSchema = namedObject('UpdateOptOutInstructionRequest', {
  enabled: z.boolean(),
  instruction: z.string().trim().min(1, 'Write the instruction').max(60, 'WhatsApp allows at most 60 characters in a footer'),
});
export type UpdateOptOutInstructionRequest = z.infer<typeof UpdateOptOutInstructionRequestSchema>;

export const DEFAULT_OPT_OUT_INSTRUCTION = 'Reply STOP to unsubscribe';
