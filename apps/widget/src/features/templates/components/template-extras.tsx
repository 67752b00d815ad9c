import type { ComponentProps } from 'react';
import { Text } from '@livechat/design-system-react-components';
import type { Template } from '@wa/contracts';
import { TextField } from '../../../components/text-field.tsx';

export interface TemplateExtrasValue {
  headerText: string;
  headerMediaUrl: string;
  buttonValues: string[];
}

export const emptyExtras = (): TemplateExtrasValue => ({ headerText: '', headerMediaUrl: '', buttonValues: [] });

/** What a rich template needs besides body variables: the header's link or value, URL suffixes, reply payloads. */
export function needsOf(template: Template) {
  const format = template.headerFormat ?? 'none';
  const media = format === 'image' || format === 'video' || format === 'document' ? format : null;
  const headerVariable = format === 'text' && !!template.header && /\{\{\s*1\s*\}\}/.test(template.header);
  const buttons = (template.richButtons ?? [])
    .map((b, i) => ({ ...b, index: i }))
    .filter((b) => (b.type === 'url' && b.dynamic) || b.type === 'quick_reply');
  return { media, headerVariable, buttons };
}

/** Missing required extras, in words for the send button's hint. */
export function missingExtras(template: Template, v: TemplateExtrasValue): string[] {
  const n = needsOf(template);
  const out: string[] = [];
  if (n.media && !/^https:\/\//.test(v.headerMediaUrl.trim())) out.push(`the ${n.media} link (https)`);
  if (n.headerVariable && !v.headerText.trim()) out.push('the header value');
  for (const b of n.buttons) if (b.type === 'url' && !v.buttonValues[b.index]?.trim()) out.push(`the end of the “${b.text}” address`);
  return out;
}

interface Props {
  template: Template;
  value: TemplateExtrasValue;
  onChange: (v: TemplateExtrasValue) => void;
  errors?: Readonly<Record<string, string | undefined>>;
  disabled?: boolean;
}

/** One of the extras: a compact input across the sidebar, marked only by the message under it. */
function ExtraField(props: Omit<ComponentProps<typeof TextField>, 'fieldClassName' | 'inputSize' | 'className' | 'cropOnBlur'>) {
  return (
    <TextField fieldClassName="wa-fill" inputSize="compact" className="wa-input-full" cropOnBlur={false} inputError={false} {...props} />
  );
}

export function TemplateExtras({ template, value, onChange, errors = {}, disabled }: Props) {
  const n = needsOf(template);
  if (!n.media && !n.headerVariable && n.buttons.length === 0) return null;
  const setButton = (i: number, v: string) => {
    const next = value.buttonValues.slice();
    while (next.length <= i) next.push('');
    next[i] = v;
    onChange({ ...value, buttonValues: next });
  };
  const buttonField = (b: (typeof n.buttons)[number], label: string, input: { placeholder: string; maxLength?: number }) => (
    <ExtraField
      key={b.index}
      id={`wa-button-${b.index}`}
      label={label}
      error={errors[`buttonValues.${b.index}`]}
      data-testid={`template-button-value-${b.index}`}
      {...input}
      value={value.buttonValues[b.index] ?? ''}
      disabled={disabled}
      onChange={(e) => setButton(b.index, e.target.value)}
    />
  );
  return (
    <div className="wa-stack wa-stack--tight" data-testid="template-extras">
      {n.media && (
        <ExtraField
          id="wa-header-media"
          label={`Header ${n.media} link`}
          error={errors.headerMediaUrl}
          data-testid="template-header-media"
          type="url"
          placeholder="https://…"
          value={value.headerMediaUrl}
          disabled={disabled}
          onChange={(e) => onChange({ ...value, headerMediaUrl: e.target.value })}
        />
      )}
      {n.headerVariable && (
        <ExtraField
          id="wa-header-text"
          label="Header value"
          error={errors.headerText}
          data-testid="template-header-text"
          value={value.headerText}
          maxLength={60}
          disabled={disabled}
          onChange={(e) => onChange({ ...value, headerText: e.target.value })}
        />
      )}
      {n.buttons
        .filter((b) => b.type === 'url')
        .map((b) => buttonField(b, `“${b.text}” address ending`, { placeholder: (b.url ?? '').replace(/\{\{\s*1\s*\}\}$/, '…') }))}
      {n.buttons.some((b) => b.type === 'quick_reply') && (
        <details className="wa-disclosure" data-testid="template-payloads">
          <summary>
            <Text as="span" size="sm">
              Quick-reply payloads (optional)
            </Text>
          </summary>
          <div className="wa-stack wa-stack--tight">
            {n.buttons
              .filter((b) => b.type === 'quick_reply')
              .map((b) => buttonField(b, `“${b.text}” sends back`, { placeholder: 'Its label, unless you set a payload', maxLength: 256 }))}
          </div>
        </details>
      )}
    </div>
  );
}
