import { z } from 'zod';
import { TemplateCategorySchema, TemplateStatusSchema, type TemplateCategory } from '../numbers.ts';
import type { MediaHeaderFormat, DraftButton, TemplateDraft } from './draft.ts';
import { TemplateContentSchema } from './meta-components.ts';
import { namedObject } from '../schema-builders.ts';

// ---- the API ---------------------------------------------------------------------------------------------------

export const TemplateQualitySchema = z.enum(['high', 'medium', 'low', 'unknown']);
export type TemplateQuality = z.infer<typeof TemplateQualitySchema>;

export const StudioTemplateSchema = namedObject('StudioTemplate', {
  wabaId: z.string(),
  /** The connected numbers that share this WhatsApp Business Account. */
  numbers: z.array(z.object({ id: z.string(), number: z.string(), displayName: z.string() })),
  name: z.string(),
  language: z.string(),
  category: TemplateCategorySchema,
  status: TemplateStatusSchema,
  rejectedReason: z.string().nullable(),
  quality: TemplateQualitySchema,
  changedAt: z.string().nullable(),
  content: TemplateContentSchema,
  /** Sample values the template was submitted with, when this app created it. */
  bodySamples: z.array(z.string()),
});
export type StudioTemplate = z.infer<typeof StudioTemplateSchema>;

export const StudioTemplatesResponseSchema = namedObject('StudioTemplates', {
  templates: z.array(StudioTemplateSchema),
  canManage: z.boolean(),
});
export type StudioTemplatesResponse = z.infer<typeof StudioTemplatesResponseSchema>;

export const CreateTemplateResponseSchema = namedObject('CreateTemplateResponse', { template: StudioTemplateSchema, created: z.boolean() });
export type CreateTemplateResponse = z.infer<typeof CreateTemplateResponseSchema>;

export const TemplateKeyParamsSchema = z.object({ numberId: z.string().min(1).max(64), name: z.string().min(1).max(512) });

export const TemplateUsageSchema = namedObject('TemplateUsage', {
  name: z.string(),
  /** Every language of the name: WhatsApp deletes a template name in all its languages. */
  languages: z.array(z.string()),
  campaigns: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), language: z.string() })),
  /** Campaigns that forbid the deletion (scheduled, running or paused). */
  blocking: z.array(z.object({ id: z.string(), name: z.string(), status: z.string() })),
  /** The opt-out copies of this template that go too. */
  copies: z.array(z.string()),
  canDelete: z.boolean(),
  reason: z.string().nullable(),
});
export type TemplateUsage = z.infer<typeof TemplateUsageSchema>;

export const TemplateSampleResponseSchema = namedObject('TemplateSample', { handle: z.string() });

/** The raw sample file's query (`POST /api/templates/samples`, body = the file). */
export const TemplateSampleQuerySchema = z.object({
  numberId: z.string().min(1).max(64),
  fileName: z.string().min(1).max(255),
});

export const SAMPLE_TYPES: Record<MediaHeaderFormat, { types: string[]; maxBytes: number; label: string }> = {
  image: { types: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024, label: 'a JPEG or PNG image up to 5 MB' },
  // Kaleyra's sample upload takes MP4 only (not 3GP, which sends accept).
  video: { types: ['video/mp4'], maxBytes: 16 * 1024 * 1024, label: 'an MP4 video up to 16 MB' },
  document: { types: ['application/pdf'], maxBytes: 16 * 1024 * 1024, label: 'a PDF up to 16 MB' },
};

/** A blank draft for a category (authentication gets Meta's fixed form). */
export function blankDraft(numberId: string, category: TemplateCategory = 'marketing'): TemplateDraft {
  return {
    numberId,
    name: '',
    language: 'en_US',
    category,
    header: { type: 'none' },
    body: '',
    bodySamples: [],
    footer: '',
    buttons: category === 'authentication' ? [{ type: 'copy_code', text: 'Copy code' }] : [],
    authentication: { securityRecommendation: true, codeExpiryMinutes: 10 },
  };
}

/** A draft that starts from an existing template (edit and resubmit, duplicate as another language). */
export function draftFromTemplate(t: StudioTemplate, numberId: string): TemplateDraft {
  const c = t.content;
  const draft = blankDraft(numberId, t.category);
  draft.name = t.name;
  draft.language = t.language;
  if (t.category === 'authentication') return draft;
  draft.header =
    c.headerFormat === 'text' && c.headerText
      ? { type: 'text', text: c.headerText, sample: '' }
      : c.headerFormat === 'image' || c.headerFormat === 'video' || c.headerFormat === 'document'
        ? { type: c.headerFormat, sampleHandle: '' }
        : { type: 'none' };
  draft.body = c.body;
  draft.bodySamples = t.bodySamples.slice();
  draft.footer = c.footer ?? '';
  draft.buttons = c.buttons.flatMap((b): DraftButton[] => {
    if (b.type === 'quick_reply') return [{ type: 'quick_reply', text: b.text }];
    if (b.type === 'url') return [{ type: 'url', text: b.text, url: b.url ?? '', sample: '' }];
    if (b.type === 'phone') return [{ type: 'phone', text: b.text, phone: b.phone ?? '' }];
    return [];
  });
  return draft;
}
