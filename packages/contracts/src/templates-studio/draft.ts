import { z } from 'zod';
import { TemplateCategorySchema } from '../numbers.ts';
import type { FieldError } from '../problem.ts';
import { META_LANGUAGES } from './languages.ts';
import { namedObject } from '../schema-builders.ts';

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

export const TemplateDraftSchema = namedObject('TemplateDraft', {
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
});
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

// Shared with the components and the campaign slots; not part of the package's API.
export const URL_PATTERN = /^https:\/\/[^\s/$.?#][^\s]*$/i;
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
