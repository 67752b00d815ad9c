import { z } from 'zod';
import type { FieldError } from '../problem.ts';
import { placeholders, variablesOf, URL_PATTERN, AUTHENTICATION_BODY, AUTHENTICATION_SECURITY, type TemplateDraft } from './draft.ts';

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
