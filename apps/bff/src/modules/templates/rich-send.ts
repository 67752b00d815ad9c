import {
  contentFromComponents,
  ErrorCode,
  sendComponents,
  sendExtrasProblems,
  splitSlotValues,
  templateSlots,
  variablesOf,
  type ApiVersion,
  type FieldError,
  type TemplateContent,
  type TemplateSendExtras,
  type TemplateSlot,
} from '@wa/contracts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { TemplateRow } from '../../db/rows.ts';

export interface RichParts {
  /** Meta's send components (v2), when the template has more than body variables to fill. */
  components?: Record<string, unknown>[];
  /** Kaleyra v1's `mediatemplate` equivalent. */
  v1?: { mediaUrl?: string; headerParam?: string; urlParam?: string };
}

/** True when a send of this template carries more than body parameters (a header value, media, buttons). */
export function isRich(content: TemplateContent): boolean {
  return (
    (content.headerFormat === 'text' && !!content.headerText && variablesOf(content.headerText).length > 0) ||
    ['image', 'video', 'document'].includes(content.headerFormat) ||
    content.buttons.some((b) => (b.type === 'url' && b.dynamic) || b.type === 'quick_reply')
  );
}

/** Problems of a send's extras, or of what its API version cannot carry; [] when it can go. */
export function richProblems(
  template: Pick<TemplateRow, 'components'>,
  apiVersion: ApiVersion,
  extras: TemplateSendExtras,
  at = '',
): FieldError[] {
  if (!template.components.length) return [];
  const content = contentFromComponents(template.components);
  const problems = sendExtrasProblems(content, extras, at);
  if (problems.length || apiVersion === 'v2') return problems;
  const p = (f: string) => (at ? `${at}.${f}` : f);
  // Kaleyra v1 carries one media link, one header value and one URL suffix, and no quick-reply payloads.
  if (content.buttons.filter((b) => b.type === 'url' && b.dynamic).length > 1) {
    problems.push({
      path: p('buttonValues'),
      message: 'This number uses Kaleyra’s v1 API, which can fill only one website button. Send from a v2 number.',
    });
  }
  content.buttons.forEach((b, i) => {
    if (b.type === 'quick_reply' && extras.buttonValues?.[i]?.trim()) {
      problems.push({
        path: p(`buttonValues.${i}`),
        message: 'This number uses Kaleyra’s v1 API, which cannot set quick-reply payloads. Leave them empty or send from a v2 number.',
      });
    }
  });
  if (content.headerFormat === 'location')
    problems.push({ path: p('headerMediaUrl'), message: 'Location headers cannot be sent from this app.' });
  return problems;
}

/** What the provider call carries for this template and these values (validated by `richProblems` first). */
export function richParts(
  template: Pick<TemplateRow, 'components'>,
  apiVersion: ApiVersion,
  bodyValues: readonly string[],
  extras: TemplateSendExtras,
): RichParts {
  if (!template.components.length) return {};
  const content = contentFromComponents(template.components);
  if (!isRich(content)) return {};
  if (apiVersion === 'v2') return { components: sendComponents(content, bodyValues, extras) };
  const urlIndex = content.buttons.findIndex((b) => b.type === 'url' && b.dynamic);
  const v1: NonNullable<RichParts['v1']> = {};
  if (['image', 'video', 'document'].includes(content.headerFormat) && extras.headerMediaUrl?.trim())
    v1.mediaUrl = extras.headerMediaUrl.trim();
  if (content.headerFormat === 'text' && extras.headerText?.trim()) v1.headerParam = extras.headerText.trim();
  if (urlIndex >= 0 && extras.buttonValues?.[urlIndex]?.trim()) v1.urlParam = extras.buttonValues[urlIndex]!.trim();
  return { v1 };
}

/** The one-on-one send's refusal, field by field. */
export function assertRichSend(template: Pick<TemplateRow, 'components'>, apiVersion: ApiVersion, extras: TemplateSendExtras): void {
  const problems = richProblems(template, apiVersion, extras);
  if (problems.length) {
    throw new DomainError(ErrorCode.templateVariables, 'Fill the template', problems.map((p) => p.message).join(' '), { errors: problems });
  }
}

/**
 * The campaign slots of a template on a number: body variables, then header and button values, and a payload per
 * quick reply when the campaign asked for them (Kaleyra v2 only).
 */
export function campaignSlots(
  template: Pick<TemplateRow, 'components' | 'body'>,
  apiVersion: ApiVersion,
  options: { payloads?: boolean } = {},
): TemplateSlot[] {
  if (!template.components.length)
    return variablesOf(template.body).map((n) => ({ kind: 'body' as const, index: n, label: `Variable {{${n}}}`, defaultValue: '' }));
  return templateSlots(contentFromComponents(template.components), apiVersion, options);
}

/**
 * The slots of a campaign recipient's stored values. Payload slots only add to the count, so a campaign that asked
 * for payloads is the one whose recipients carry that many more values: campaigns made without them keep their
 * count, and their quick replies keep coming back with the label.
 */
export function storedSlots(
  template: Pick<TemplateRow, 'components' | 'body'>,
  apiVersion: ApiVersion,
  valueCount: number,
): TemplateSlot[] {
  const withPayloads = campaignSlots(template, apiVersion, { payloads: true });
  return withPayloads.length === valueCount ? withPayloads : campaignSlots(template, apiVersion);
}

/** A campaign recipient's stored slot values as the provider call carries them. */
export function campaignMessageParts(
  components: Record<string, unknown>[] | undefined,
  apiVersion: ApiVersion,
  values: string[],
): { params: string[] } & RichParts {
  if (!components?.length) return { params: values };
  const { body, extras } = splitSlotValues(storedSlots({ components, body: '' }, apiVersion, values.length), values);
  return { params: body, ...richParts({ components }, apiVersion, body, extras) };
}

/** Templates a campaign from this number cannot carry: Kaleyra v1 fills one website button at most, and no payloads. */
export function assertCampaignSendable(
  template: Pick<TemplateRow, 'components' | 'name'>,
  apiVersion: ApiVersion,
  options: { payloads?: boolean } = {},
): void {
  if (apiVersion !== 'v1' || !template.components.length) return;
  const content = contentFromComponents(template.components);
  if (options.payloads && content.buttons.some((b) => b.type === 'quick_reply')) {
    throw errors.validation(
      [
        {
          path: 'quickReplyPayloads',
          message:
            'This number uses Kaleyra’s v1 API, which cannot set quick-reply payloads. Turn them off (taps then come back with the button’s label) or send from a v2 number.',
        },
      ],
      'Kaleyra’s v1 API cannot set quick-reply payloads.',
    );
  }
  if (content.buttons.filter((b) => b.type === 'url' && b.dynamic).length > 1 || content.headerFormat === 'location') {
    throw new DomainError(
      ErrorCode.templateVariables,
      'Template not sendable from this number',
      `“${template.name}” needs more than Kaleyra’s v1 API can carry (two website links to fill, or a location header). Send it from a v2 number.`,
    );
  }
}

/** A campaign recipient's stored values as a one-on-one send takes them (the campaign's test send). */
export function campaignSendValues(
  template: Pick<TemplateRow, 'components' | 'body'> | undefined,
  apiVersion: ApiVersion,
  values: string[],
): { variables: string[] } & TemplateSendExtras {
  if (!template?.components.length) return { variables: values };
  const { body, extras } = splitSlotValues(storedSlots(template, apiVersion, values.length), values);
  return { variables: body, ...extras };
}
