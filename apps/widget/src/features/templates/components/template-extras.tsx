import { FormField, Input, Text } from '@livechat/design-system-react-components';
import type { Template } from '@wa/contracts';

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

export function TemplateExtras({ template, value, onChange, errors = {}, disabled }: Props) {
  const n = needsOf(template);
  if (!n.media && !n.headerVariable && n.buttons.length === 0) return null;
  const setButton = (i: number, v: string) => {
    const next = value.buttonValues.slice();
    while (next.length <= i) next.push('');
    next[i] = v;
    onChange({ ...value, buttonValues: next });
  };
  return (
    <div className="wa-stack wa-stack--tight" data-testid="template-extras">
      {n.media && (
        <FormField className="wa-fill" labelText={`Header ${n.media} link`} labelFor="wa-header-media" error={errors.headerMediaUrl}>
          <Input
            id="wa-header-media"
            inputSize="compact"
            className="wa-input-full"
            data-testid="template-header-media"
            type="url"
            placeholder="https://…"
            value={value.headerMediaUrl}
            disabled={disabled}
            cropOnBlur={false}
            onChange={(e) => onChange({ ...value, headerMediaUrl: e.target.value })}
          />
        </FormField>
      )}
      {n.headerVariable && (
        <FormField className="wa-fill" labelText="Header value" labelFor="wa-header-text" error={errors.headerText}>
          <Input
            id="wa-header-text"
            inputSize="compact"
            className="wa-input-full"
            data-testid="template-header-text"
            value={value.headerText}
            maxLength={60}
            disabled={disabled}
            cropOnBlur={false}
            onChange={(e) => onChange({ ...value, headerText: e.target.value })}
          />
        </FormField>
      )}
      {n.buttons
        .filter((b) => b.type === 'url')
        .map((b) => (
          <FormField
            key={b.index}
            className="wa-fill"
            labelText={`“${b.text}” address ending`}
            labelFor={`wa-button-${b.index}`}
            error={errors[`buttonValues.${b.index}`]}
          >
            <Input
              id={`wa-button-${b.index}`}
              inputSize="compact"
              className="wa-input-full"
              data-testid={`template-button-value-${b.index}`}
              placeholder={(b.url ?? '').replace(/\{\{\s*1\s*\}\}$/, '…')}
              value={value.buttonValues[b.index] ?? ''}
              disabled={disabled}
              cropOnBlur={false}
              onChange={(e) => setButton(b.index, e.target.value)}
            />
          </FormField>
        ))}
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
              .map((b) => (
                <FormField
                  key={b.index}
                  className="wa-fill"
                  labelText={`“${b.text}” sends back`}
                  labelFor={`wa-button-${b.index}`}
                  error={errors[`buttonValues.${b.index}`]}
                >
                  <Input
                    id={`wa-button-${b.index}`}
                    inputSize="compact"
                    className="wa-input-full"
                    data-testid={`template-button-value-${b.index}`}
                    placeholder="Its label, unless you set a payload"
                    value={value.buttonValues[b.index] ?? ''}
                    maxLength={256}
                    disabled={disabled}
                    cropOnBlur={false}
                    onChange={(e) => setButton(b.index, e.target.value)}
                  />
                </FormField>
              ))}
          </div>
        </details>
      )}
    </div>
  );
}
