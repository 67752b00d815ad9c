import { variablesOf, URL_PATTERN } from './draft.ts';
import type { TemplateContent, TemplateSendExtras } from './meta-components.ts';

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
