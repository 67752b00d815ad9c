import { z } from 'zod';
import { TemplateCategorySchema, TemplateStatusSchema, type TemplateCategory } from './numbers.ts';
import type { FieldError } from './problem.ts';

/**
 * Creating WhatsApp templates: the draft an owner builds, Meta's rules for it (one function, run by the widget as
 * the owner types and by the BFF before anything leaves), and Meta's `components` for creation and for sending.
 */

/** Meta's template languages (the codes WhatsApp Manager offers). */
export const META_LANGUAGES: readonly { code: string; name: string }[] = [
  { code: 'af', name: 'Afrikaans' },
  { code: 'sq', name: 'Albanian' },
  { code: 'ar', name: 'Arabic' },
  { code: 'az', name: 'Azerbaijani' },
  { code: 'bn', name: 'Bengali' },
  { code: 'bg', name: 'Bulgarian' },
  { code: 'ca', name: 'Catalan' },
  { code: 'zh_CN', name: 'Chinese (CHN)' },
  { code: 'zh_HK', name: 'Chinese (HKG)' },
  { code: 'zh_TW', name: 'Chinese (TAI)' },
  { code: 'hr', name: 'Croatian' },
  { code: 'cs', name: 'Czech' },
  { code: 'da', name: 'Danish' },
  { code: 'nl', name: 'Dutch' },
  { code: 'en', name: 'English' },
  { code: 'en_GB', name: 'English (UK)' },
  { code: 'en_US', name: 'English (US)' },
  { code: 'et', name: 'Estonian' },
  { code: 'fil', name: 'Filipino' },
  { code: 'fi', name: 'Finnish' },
  { code: 'fr', name: 'French' },
  { code: 'ka', name: 'Georgian' },
  { code: 'de', name: 'German' },
  { code: 'el', name: 'Greek' },
  { code: 'gu', name: 'Gujarati' },
  { code: 'ha', name: 'Hausa' },
  { code: 'he', name: 'Hebrew' },
  { code: 'hi', name: 'Hindi' },
  { code: 'hu', name: 'Hungarian' },
  { code: 'id', name: 'Indonesian' },
  { code: 'ga', name: 'Irish' },
  { code: 'it', name: 'Italian' },
  { code: 'ja', name: 'Japanese' },
  { code: 'kn', name: 'Kannada' },
  { code: 'kk', name: 'Kazakh' },
  { code: 'rw_RW', name: 'Kinyarwanda' },
  { code: 'ko', name: 'Korean' },
  { code: 'ky_KG', name: 'Kyrgyz (Kyrgyzstan)' },
  { code: 'lo', name: 'Lao' },
  { code: 'lv', name: 'Latvian' },
  { code: 'lt', name: 'Lithuanian' },
  { code: 'mk', name: 'Macedonian' },
  { code: 'ms', name: 'Malay' },
  { code: 'ml', name: 'Malayalam' },
  { code: 'mr', name: 'Marathi' },
  { code: 'nb', name: 'Norwegian' },
  { code: 'fa', name: 'Persian' },
  { code: 'pl', name: 'Polish' },
  { code: 'pt_BR', name: 'Portuguese (BR)' },
  { code: 'pt_PT', name: 'Portuguese (POR)' },
  { code: 'pa', name: 'Punjabi' },
  { code: 'ro', name: 'Romanian' },
  { code: 'ru', name: 'Russian' },
  { code: 'sr', name: 'Serbian' },
  { code: 'sk', name: 'Slovak' },
  { code: 'sl', name: 'Slovenian' },
  { code: 'es', name: 'Spanish' },
  { code: 'es_AR', name: 'Spanish (ARG)' },
  { code: 'es_ES', name: 'Spanish (SPA)' },
  { code: 'es_MX', name: 'Spanish (MEX)' },
  { code: 'sw', name: 'Swahili' },
  { code: 'sv', name: 'Swedish' },
  { code: 'ta', name: 'Tamil' },
  { code: 'te', name: 'Telugu' },
  { code: 'th', name: 'Thai' },
  { code: 'tr', name: 'Turkish' },
  { code: 'uk', name: 'Ukrainian' },
  { code: 'ur', name: 'Urdu' },
  { code: 'uz', name: 'Uzbek' },
  { code: 'vi', name: 'Vietnamese' },
  { code: 'zu', name: 'Zulu' },
];
const LANGUAGE_CODES = new Set(META_LANGUAGES.map((l) => l.code));

export const TEMPLATE_LIMITS = {
  name: 512,
  body: 1024,
  headerText: 60,
  footer: 60,
  buttonText: 25,
  buttons: 10,
  urlButtons: 2,
  phoneButtons: 1,
  url: 2000,
  sample: 200,
  codeExpiryMinutes: { min: 1, max: 90 },
} as const;

export const MEDIA_HEADER_FORMATS = ['image', 'video', 'document'] as const;
export type MediaHeaderFormat = (typeof MEDIA_HEADER_FORMATS)[number];

export const DraftHeaderSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('text'), text: z.string().max(1000), sample: z.string().max(1000).default('') }),
  z.object({
    type: z.enum(MEDIA_HEADER_FORMATS),
    /** The provider's handle for the uploaded sample file (`POST /api/templates/samples`). */
    sampleHandle: z.string().max(2000).default(''),
    sampleFileName: z.string().max(255).optional(),
  }),
]);
export type DraftHeader = z.infer<typeof DraftHeaderSchema>;

export const DraftButtonSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('quick_reply'), text: z.string().max(200) }),
  /** `url` may end with `{{1}}`: the dynamic suffix filled at send time; `sample` is its sample value. */
  z.object({ type: z.literal('url'), text: z.string().max(200), url: z.string().max(4000), sample: z.string().max(1000).default('') }),
  z.object({ type: z.literal('phone'), text: z.string().max(200), phone: z.string().max(40) }),
  z.object({ type: z.literal('copy_code'), text: z.string().max(200).default('Copy code') }),
]);
export type DraftButton = z.infer<typeof DraftButtonSchema>;

export const TemplateDraftSchema = z
  .object({
    /** The number whose WhatsApp Business Account gets the template. */
    numberId: z.string().min(1).max(64),
    name: z.string().max(2000),
    language: z.string().max(20),
    category: TemplateCategorySchema,
    header: DraftHeaderSchema.default({ type: 'none' }),
    body: z.string().max(5000).default(''),
    bodySamples: z.array(z.string().max(1000)).max(100).default([]),
    footer: z.string().max(1000).default(''),
    buttons: z.array(DraftButtonSchema).max(20).default([]),
    /** Authentication templates: Meta's fixed body, with these options. */
    authentication: z
      .object({ securityRecommendation: z.boolean().default(true), codeExpiryMinutes: z.number().int().nullable().default(10) })
      .default({ securityRecommendation: true, codeExpiryMinutes: 10 }),
  })
  .meta({ id: 'TemplateDraft' });
export type TemplateDraft = z.infer<typeof TemplateDraftSchema>;
export type TemplateDraftInput = z.input<typeof TemplateDraftSchema>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every `{{…}}` in a text, in order of appearance, with what is inside. */
export function placeholders(text: string): { raw: string; inner: string; index: number }[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ raw: m[0], inner: m[1] ?? '', index: m.index ?? 0 }));
}

/** The variables of a text (1-based numbers, distinct, as they first appear). */
export function variablesOf(text: string): number[] {
  const seen: number[] = [];
  for (const p of placeholders(text)) {
    const n = Number(p.inner);
    if (/^\d+$/.test(p.inner) && !seen.includes(n)) seen.push(n);
  }
  return seen;
}

/** Checks Meta's positional-variable rules on one text; returns the problem in plain words, or null. */
function variableProblem(text: string, where: string): string | null {
  const found = placeholders(text);
  if (found.length === 0) return null;
  const bad = found.find((p) => !/^[1-9]\d*$/.test(p.inner));
  if (bad) return `${bad.raw} is not a variable: use {{1}}, {{2}} and so on.`;
  const order = variablesOf(text);
  const expected = order.map((_, i) => i + 1);
  if (order.some((n, i) => n !== expected[i])) {
    return `Number the variables of the ${where} in order, without gaps: {{1}}, then {{2}}, and so on.`;
  }
  return null;
}

const URL_PATTERN = /^https:\/\/[^\s/$.?#][^\s]*$/i;
const E164_LOOSE = /^\+[1-9]\d{6,14}$/;

export const AUTHENTICATION_BODY = '{{1}} is your verification code.';
export const AUTHENTICATION_SECURITY = 'For your security, do not share this code.';

/**
 * Meta's rules for a new template. Each error names the field (`name`, `body`, `bodySamples.0`, `header.text`,
 * `buttons.2.url`, …) and says what to fix. Empty when the draft may be submitted.
 */
export function validateTemplateDraft(draft: TemplateDraft): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: string, message: string) => errors.push({ path, message });

  // name
  if (!draft.name) add('name', 'Give the template a name.');
  else if (draft.name.length > TEMPLATE_LIMITS.name) add('name', `Use at most ${TEMPLATE_LIMITS.name} characters.`);
  else if (!/^[a-z0-9_]+$/.test(draft.name)) add('name', 'Use only lowercase letters, digits and underscores (for example spring_sale_2).');

  if (!LANGUAGE_CODES.has(draft.language)) add('language', 'Choose a language from the list.');

  if (draft.category === 'authentication') {
    // Meta's fixed form: its own body, no header, a copy-code button, an optional code expiry.
    if (draft.header.type !== 'none') add('header', 'Authentication templates have no header.');
    const expiry = draft.authentication.codeExpiryMinutes;
    const { min, max } = TEMPLATE_LIMITS.codeExpiryMinutes;
    if (expiry !== null && (expiry < min || expiry > max))
      add('authentication.codeExpiryMinutes', `The code expiry is ${min} to ${max} minutes.`);
    const copy = draft.buttons.filter((b) => b.type === 'copy_code');
    if (copy.length !== 1 || draft.buttons.length !== 1) add('buttons', 'Authentication templates have exactly one button: Copy code.');
    copy.forEach((b) => {
      const i = draft.buttons.indexOf(b);
      if (!b.text.trim()) add(`buttons.${i}.text`, 'Give the button a label.');
      else if (b.text.length > TEMPLATE_LIMITS.buttonText)
        add(`buttons.${i}.text`, `Button labels have at most ${TEMPLATE_LIMITS.buttonText} characters.`);
    });
    return errors;
  }

  // header
  const h = draft.header;
  if (h.type === 'text') {
    if (!h.text.trim()) add('header.text', 'Write the header, or choose no header.');
    else if (h.text.length > TEMPLATE_LIMITS.headerText)
      add('header.text', `The header has at most ${TEMPLATE_LIMITS.headerText} characters (now ${h.text.length}).`);
    const vars = variablesOf(h.text);
    const problem = variableProblem(h.text, 'header');
    if (problem) add('header.text', problem);
    else if (placeholders(h.text).length > 1) add('header.text', 'The header can have at most one variable, {{1}}.');
    else if (vars.length === 1 && !h.sample.trim()) add('header.sample', 'Give a sample value for {{1}} of the header.');
  } else if (h.type !== 'none') {
    if (!h.sampleHandle) add('header.sample', `Add a sample ${h.type === 'document' ? 'document' : h.type} for WhatsApp's review.`);
  }

  // body
  const body = draft.body;
  if (!body.trim()) add('body', 'Write the message body.');
  else if (body.length > TEMPLATE_LIMITS.body) add('body', `The body has at most ${TEMPLATE_LIMITS.body} characters (now ${body.length}).`);
  const bodyProblem = variableProblem(body, 'body');
  if (bodyProblem) add('body', bodyProblem);
  else if (body.trim()) {
    const trimmed = body.trim();
    const all = placeholders(trimmed);
    const first = all[0];
    const last = all[all.length - 1];
    if (first && first.index === 0) add('body', 'The body cannot start with a variable: put some words before {{1}}.');
    else if (last && last.index + last.raw.length === trimmed.length)
      add('body', `The body cannot end with a variable: put some words after ${last.raw}.`);
    for (let i = 0; i < variablesOf(body).length; i++) {
      if (!draft.bodySamples[i]?.trim()) add(`bodySamples.${i}`, `Give a sample value for {{${i + 1}}}.`);
    }
  }

  // footer
  if (draft.footer) {
    if (draft.footer.length > TEMPLATE_LIMITS.footer)
      add('footer', `The footer has at most ${TEMPLATE_LIMITS.footer} characters (now ${draft.footer.length}).`);
    if (placeholders(draft.footer).length > 0) add('footer', 'The footer cannot have variables.');
  }

  // buttons
  const buttons = draft.buttons;
  if (buttons.length > TEMPLATE_LIMITS.buttons) add('buttons', `A template has at most ${TEMPLATE_LIMITS.buttons} buttons.`);
  const urls = buttons.filter((b) => b.type === 'url');
  if (urls.length > TEMPLATE_LIMITS.urlButtons) add('buttons', `A template has at most ${TEMPLATE_LIMITS.urlButtons} website buttons.`);
  if (buttons.filter((b) => b.type === 'phone').length > TEMPLATE_LIMITS.phoneButtons)
    add('buttons', 'A template has at most one phone button.');
  // Quick replies must be one group, first or last.
  const kinds = buttons.map((b) => (b.type === 'quick_reply' ? 'q' : 'o')).join('');
  if (/q+o+q+/.test(kinds)) add('buttons', 'Keep the quick replies together, before or after the other buttons.');
  buttons.forEach((b, i) => {
    if (b.type === 'copy_code') {
      add(`buttons.${i}.type`, 'Copy code buttons are for authentication templates.');
      return;
    }
    if (!b.text.trim()) add(`buttons.${i}.text`, 'Give the button a label.');
    else if (b.text.length > TEMPLATE_LIMITS.buttonText)
      add(`buttons.${i}.text`, `Button labels have at most ${TEMPLATE_LIMITS.buttonText} characters.`);
    else if (placeholders(b.text).length > 0) add(`buttons.${i}.text`, 'Button labels cannot have variables.');
    if (b.type === 'url') {
      const found = placeholders(b.url);
      const base = b.url.replace(PLACEHOLDER, '');
      if (!URL_PATTERN.test(base) || b.url.length > TEMPLATE_LIMITS.url)
        add(`buttons.${i}.url`, 'Give a website address that starts with https://.');
      else if (found.length > 1 || (found[0] && (found[0].inner !== '1' || !b.url.endsWith(found[0].raw)))) {
        add(`buttons.${i}.url`, 'A website button can end with one variable, {{1}}, and have no other.');
      } else if (found.length === 1 && !b.sample.trim()) add(`buttons.${i}.sample`, 'Give a sample for the end of the address.');
    }
    if (b.type === 'phone' && !E164_LOOSE.test(b.phone.replace(/[\s-]/g, ''))) {
      add(`buttons.${i}.phone`, 'Give the phone number with its country code, for example +48 22 123 45 67.');
    }
  });
  return errors;
}

// ---- Meta's components -----------------------------------------------------------------------------------------

/** A component of Meta's template object (creation shape; what the list endpoint returns). */
export type MetaComponent = Record<string, unknown> & { type: string };

/** Meta's template object for the create endpoint (Kaleyra v2 passes it through). */
export function toMetaTemplate(draft: TemplateDraft): { name: string; language: string; category: string; components: MetaComponent[] } {
  const components: MetaComponent[] = [];
  if (draft.category === 'authentication') {
    components.push({ type: 'BODY', add_security_recommendation: draft.authentication.securityRecommendation });
    if (draft.authentication.codeExpiryMinutes !== null) {
      components.push({ type: 'FOOTER', code_expiration_minutes: draft.authentication.codeExpiryMinutes });
    }
    const copy = draft.buttons.find((b) => b.type === 'copy_code');
    components.push({ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: copy?.text || 'Copy code' }] });
  } else {
    const h = draft.header;
    if (h.type === 'text') {
      components.push({
        type: 'HEADER',
        format: 'TEXT',
        text: h.text,
        ...(variablesOf(h.text).length ? { example: { header_text: [h.sample] } } : {}),
      });
    } else if (h.type !== 'none') {
      components.push({ type: 'HEADER', format: h.type.toUpperCase(), example: { header_handle: [h.sampleHandle] } });
    }
    const vars = variablesOf(draft.body).length;
    components.push({ type: 'BODY', text: draft.body, ...(vars ? { example: { body_text: [draft.bodySamples.slice(0, vars)] } } : {}) });
    if (draft.footer) components.push({ type: 'FOOTER', text: draft.footer });
    if (draft.buttons.length) {
      components.push({
        type: 'BUTTONS',
        buttons: draft.buttons.map((b) => {
          if (b.type === 'quick_reply') return { type: 'QUICK_REPLY', text: b.text };
          if (b.type === 'url')
            return { type: 'URL', text: b.text, url: b.url, ...(placeholders(b.url).length ? { example: [b.sample] } : {}) };
          if (b.type === 'phone') return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phone.replace(/[\s-]/g, '') };
          return { type: 'COPY_CODE', example: b.text };
        }),
      });
    }
  }
  return { name: draft.name, language: draft.language, category: draft.category.toUpperCase(), components };
}

/** A template's content as the app shows and sends it, read from Meta's components. */
export const TemplateButtonSchema = z.object({
  type: z.enum(['quick_reply', 'url', 'phone', 'copy_code', 'otp', 'other']),
  text: z.string(),
  url: z.string().nullable().default(null),
  phone: z.string().nullable().default(null),
  /** True when the URL ends with a variable the sender fills (a dynamic suffix). */
  dynamic: z.boolean().default(false),
});
export type TemplateButton = z.infer<typeof TemplateButtonSchema>;

export const TemplateContentSchema = z.object({
  headerFormat: z.enum(['none', 'text', 'image', 'video', 'document', 'location']),
  headerText: z.string().nullable(),
  body: z.string(),
  footer: z.string().nullable(),
  buttons: z.array(TemplateButtonSchema),
});
export type TemplateContent = z.infer<typeof TemplateContentSchema>;

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** Reads Meta's components (any case) into the content the app works with. */
export function contentFromComponents(components: readonly Record<string, unknown>[]): TemplateContent {
  const find = (type: string) => components.find((c) => String(c.type).toUpperCase() === type);
  const header = find('HEADER');
  const format = (str(header?.format) ?? (header ? 'TEXT' : 'NONE')).toLowerCase();
  const bodyC = find('BODY');
  const footerC = find('FOOTER');
  let body = str(bodyC?.text) ?? '';
  let footer = str(footerC?.text);
  if (!body && bodyC && 'add_security_recommendation' in bodyC) {
    body = `${AUTHENTICATION_BODY}${bodyC.add_security_recommendation ? ` ${AUTHENTICATION_SECURITY}` : ''}`;
  }
  if (!footer && footerC && typeof footerC.code_expiration_minutes === 'number')
    footer = `This code expires in ${footerC.code_expiration_minutes} minutes.`;
  const rawButtons = (find('BUTTONS')?.buttons as Record<string, unknown>[] | undefined) ?? [];
  const buttons = rawButtons.map((b): TemplateButton => {
    const type = String(b.type).toUpperCase();
    const url = str(b.url);
    const kind: TemplateButton['type'] =
      type === 'QUICK_REPLY'
        ? 'quick_reply'
        : type === 'URL'
          ? 'url'
          : type === 'PHONE_NUMBER'
            ? 'phone'
            : type === 'COPY_CODE'
              ? 'copy_code'
              : type === 'OTP'
                ? 'otp'
                : 'other';
    return {
      type: kind,
      text: str(b.text) ?? (kind === 'otp' || kind === 'copy_code' ? 'Copy code' : ''),
      url,
      phone: str(b.phone_number),
      dynamic: !!url && placeholders(url).length > 0,
    };
  });
  return {
    headerFormat: (['none', 'text', 'image', 'video', 'document', 'location'] as const).find((f) => f === format) ?? 'none',
    headerText: format === 'text' ? str(header?.text) : null,
    body,
    footer,
    buttons,
  };
}

/** What the sender fills beyond the body variables: the header's value, and a value per button (by index). */
export const TemplateSendExtrasSchema = z.object({
  /** The text header's {{1}} value. */
  headerText: z.string().max(60).optional(),
  /** The media header's file, an https link WhatsApp fetches. */
  headerMediaUrl: z.string().max(2000).optional(),
  /** Per button index: a URL button's dynamic suffix, or a quick reply's payload. Empty for other buttons. */
  buttonValues: z.array(z.string().max(1000)).max(10).optional(),
});
export type TemplateSendExtras = z.infer<typeof TemplateSendExtrasSchema>;

/** What a send of this template must carry beyond body variables; problems by field, in plain words. */
export function sendExtrasProblems(content: TemplateContent, extras: TemplateSendExtras, at = ''): FieldError[] {
  const errors: FieldError[] = [];
  const p = (f: string) => (at ? `${at}.${f}` : f);
  if (content.headerFormat === 'text' && content.headerText && variablesOf(content.headerText).length && !extras.headerText?.trim()) {
    errors.push({ path: p('headerText'), message: 'Fill the header variable.' });
  }
  if (content.headerFormat === 'image' || content.headerFormat === 'video' || content.headerFormat === 'document') {
    const link = extras.headerMediaUrl?.trim() ?? '';
    if (!link) errors.push({ path: p('headerMediaUrl'), message: `Give the link of the ${content.headerFormat} to show in the header.` });
    else if (!URL_PATTERN.test(link)) errors.push({ path: p('headerMediaUrl'), message: 'The header file link must start with https://.' });
  }
  content.buttons.forEach((b, i) => {
    const v = extras.buttonValues?.[i]?.trim() ?? '';
    if (b.type === 'url' && b.dynamic && !v)
      errors.push({ path: p(`buttonValues.${i}`), message: `Fill the end of the address of "${b.text}".` });
    if (b.type === 'url' && b.dynamic && /\s/.test(v))
      errors.push({ path: p(`buttonValues.${i}`), message: `The end of the address of "${b.text}" cannot contain spaces.` });
    if (b.type === 'quick_reply' && v.length > 256)
      errors.push({ path: p(`buttonValues.${i}`), message: 'A quick reply payload has at most 256 characters.' });
  });
  return errors;
}

/** Meta's send `components` (Cloud API message.template.components) for this content and these values. */
export function sendComponents(
  content: TemplateContent,
  bodyValues: readonly string[],
  extras: TemplateSendExtras,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (content.headerFormat === 'text' && extras.headerText?.trim() && content.headerText && variablesOf(content.headerText).length) {
    out.push({ type: 'header', parameters: [{ type: 'text', text: extras.headerText.trim() }] });
  } else if (content.headerFormat === 'image' || content.headerFormat === 'video' || content.headerFormat === 'document') {
    const link = extras.headerMediaUrl?.trim();
    if (link) out.push({ type: 'header', parameters: [{ type: content.headerFormat, [content.headerFormat]: { link } }] });
  }
  if (bodyValues.length) out.push({ type: 'body', parameters: bodyValues.map((text) => ({ type: 'text', text })) });
  content.buttons.forEach((b, index) => {
    const v = extras.buttonValues?.[index]?.trim();
    if (b.type === 'url' && b.dynamic && v)
      out.push({ type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text: v }] });
    if (b.type === 'quick_reply' && v)
      out.push({ type: 'button', sub_type: 'quick_reply', index: String(index), parameters: [{ type: 'payload', payload: v }] });
  });
  return out;
}

// ---- the API ---------------------------------------------------------------------------------------------------

export const TemplateQualitySchema = z.enum(['high', 'medium', 'low', 'unknown']);
export type TemplateQuality = z.infer<typeof TemplateQualitySchema>;

export const StudioTemplateSchema = z
  .object({
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
  })
  .meta({ id: 'StudioTemplate' });
export type StudioTemplate = z.infer<typeof StudioTemplateSchema>;

export const StudioTemplatesResponseSchema = z
  .object({ templates: z.array(StudioTemplateSchema), canManage: z.boolean() })
  .meta({ id: 'StudioTemplates' });
export type StudioTemplatesResponse = z.infer<typeof StudioTemplatesResponseSchema>;

export const CreateTemplateResponseSchema = z
  .object({ template: StudioTemplateSchema, created: z.boolean() })
  .meta({ id: 'CreateTemplateResponse' });
export type CreateTemplateResponse = z.infer<typeof CreateTemplateResponseSchema>;

export const TemplateKeyParamsSchema = z.object({ numberId: z.string().min(1).max(64), name: z.string().min(1).max(512) });

export const TemplateUsageSchema = z
  .object({
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
  })
  .meta({ id: 'TemplateUsage' });
export type TemplateUsage = z.infer<typeof TemplateUsageSchema>;

export const TemplateSampleResponseSchema = z.object({ handle: z.string() }).meta({ id: 'TemplateSample' });

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

// ---- campaigns: a value per recipient for every slot ------------------------------------------------------------

/**
 * What a campaign fills per recipient, in file-mapping order: the body's variables, then the header (its text value
 * or its media link), then the buttons in their order: each dynamic URL suffix and, when the campaign asks for them
 * (v2 only), each quick-reply payload. Campaigns store and erase these values exactly like body variables; a slot's
 * fallback is the value for the whole campaign. Payloads are optional: without them a quick reply comes back with
 * the button's label (Meta's default), and the campaign's value count stays what it was without payloads.
 */
export interface TemplateSlot {
  kind: 'body' | 'header_text' | 'header_media' | 'button_url' | 'button_payload';
  /** Body variable number (1-based) or button index. */
  index: number;
  label: string;
  /** The value when the file and the settings give none (a quick reply's payload defaults to its label). */
  defaultValue: string;
}

export function templateSlots(content: TemplateContent, apiVersion: 'v1' | 'v2', options: { payloads?: boolean } = {}): TemplateSlot[] {
  const slots: TemplateSlot[] = variablesOf(content.body).map((n) => ({
    kind: 'body' as const,
    index: n,
    label: `Variable {{${n}}}`,
    defaultValue: '',
  }));
  if (content.headerFormat === 'text' && content.headerText && variablesOf(content.headerText).length) {
    slots.push({ kind: 'header_text', index: 0, label: 'Header value', defaultValue: '' });
  }
  if (content.headerFormat === 'image' || content.headerFormat === 'video' || content.headerFormat === 'document') {
    slots.push({ kind: 'header_media', index: 0, label: `Header ${content.headerFormat} link (https)`, defaultValue: '' });
  }
  content.buttons.forEach((b, i) => {
    if (b.type === 'url' && b.dynamic) slots.push({ kind: 'button_url', index: i, label: `“${b.text}” link ending`, defaultValue: '' });
    if (b.type === 'quick_reply' && apiVersion === 'v2' && options.payloads)
      slots.push({ kind: 'button_payload', index: i, label: `“${b.text}” reply payload`, defaultValue: b.text });
  });
  return slots;
}

/** Splits a recipient's slot values into body variables and send extras. */
export function splitSlotValues(slots: readonly TemplateSlot[], values: readonly string[]): { body: string[]; extras: TemplateSendExtras } {
  const body: string[] = [];
  const extras: TemplateSendExtras = {};
  slots.forEach((s, i) => {
    const v = values[i] ?? '';
    if (s.kind === 'body') body.push(v);
    else if (s.kind === 'header_text') extras.headerText = v;
    else if (s.kind === 'header_media') extras.headerMediaUrl = v;
    else {
      const list = (extras.buttonValues ??= []);
      while (list.length <= s.index) list.push('');
      list[s.index] = v;
    }
  });
  return { body, extras };
}

/** A row's value for a slot that WhatsApp would refuse, in words for the check report; null when it is fine. */
export function slotValueProblem(slot: TemplateSlot, value: string): string | null {
  if (slot.kind === 'header_media' && !URL_PATTERN.test(value)) return `${slot.label}: "${value.slice(0, 60)}" is not an https link`;
  if (slot.kind === 'button_url' && /\s/.test(value)) return `${slot.label}: "${value.slice(0, 60)}" contains spaces`;
  if (slot.kind === 'header_text' && value.length > 60) return `${slot.label}: longer than 60 characters`;
  if (slot.kind === 'button_payload' && value.length > 256) return `${slot.label}: longer than 256 characters`;
  return null;
}

/** The campaign slots of a synced template as the API lists it (`Template` with `headerFormat` and `richButtons`). */
export function templateSlotsOf(
  t: {
    body: string;
    header: string | null;
    headerFormat?: TemplateContent['headerFormat'] | undefined;
    richButtons?: { type: string; text: string; url: string | null; dynamic: boolean }[] | undefined;
  },
  apiVersion: 'v1' | 'v2' = 'v2',
  options: { payloads?: boolean } = {},
): TemplateSlot[] {
  const content: TemplateContent = {
    headerFormat: t.headerFormat ?? (t.header ? 'text' : 'none'),
    headerText: t.header,
    body: t.body,
    footer: null,
    buttons: (t.richButtons ?? []).map((b) => ({
      type: (['quick_reply', 'url', 'phone', 'copy_code', 'otp'] as const).find((k) => k === b.type) ?? 'other',
      text: b.text,
      url: b.url,
      phone: null,
      dynamic: b.dynamic,
    })),
  };
  // Templates synced before components were kept have body variables only.
  if (!t.headerFormat)
    return variablesOf(t.body).map((n) => ({ kind: 'body' as const, index: n, label: `Variable {{${n}}}`, defaultValue: '' }));
  return templateSlots(content, apiVersion, options);
}

/** Whether a template has quick replies a campaign could give payloads to (Kaleyra v2 only). */
export function hasQuickReplies(content: Pick<TemplateContent, 'buttons'>): boolean {
  return content.buttons.some((b) => b.type === 'quick_reply');
}
