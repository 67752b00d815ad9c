/**
 * Creating WhatsApp templates: the draft an owner builds, Meta's rules for it (one function, run by the widget as
 * the owner types and by the BFF before anything leaves), and Meta's `components` for creation and for sending.
 */
export { META_LANGUAGES } from './templates-studio/languages.ts';
export {
  TEMPLATE_LIMITS,
  MEDIA_HEADER_FORMATS,
  DraftHeaderSchema,
  DraftButtonSchema,
  TemplateDraftSchema,
  placeholders,
  variablesOf,
  AUTHENTICATION_BODY,
  AUTHENTICATION_SECURITY,
  validateTemplateDraft,
  type MediaHeaderFormat,
  type DraftHeader,
  type DraftButton,
  type TemplateDraft,
  type TemplateDraftInput,
} from './templates-studio/draft.ts';
export {
  toMetaTemplate,
  TemplateButtonSchema,
  TemplateContentSchema,
  contentFromComponents,
  TemplateSendExtrasSchema,
  sendExtrasProblems,
  sendComponents,
  type MetaComponent,
  type TemplateButton,
  type TemplateContent,
  type TemplateSendExtras,
} from './templates-studio/meta-components.ts';
export {
  TemplateQualitySchema,
  StudioTemplateSchema,
  StudioTemplatesResponseSchema,
  CreateTemplateResponseSchema,
  TemplateKeyParamsSchema,
  TemplateUsageSchema,
  TemplateSampleResponseSchema,
  TemplateSampleQuerySchema,
  SAMPLE_TYPES,
  blankDraft,
  draftFromTemplate,
  type TemplateQuality,
  type StudioTemplate,
  type StudioTemplatesResponse,
  type CreateTemplateResponse,
  type TemplateUsage,
} from './templates-studio/studio-api.ts';
export {
  templateSlots,
  splitSlotValues,
  slotValueProblem,
  templateSlotsOf,
  hasQuickReplies,
  type TemplateSlot,
} from './templates-studio/campaign-slots.ts';
