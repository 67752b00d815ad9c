import { FormField, Input } from '@livechat/design-system-react-components';

interface TemplateVariablesProps {
  count: number;
  values: readonly string[];
  onChange: (index: number, value: string) => void;
  /** Errors by 0-based variable index, e.g. from the BFF's field errors. */
  errors?: Readonly<Record<number, string | undefined>>;
  disabled?: boolean;
}

/** One required input per {{n}} placeholder. */
export function TemplateVariables({ count, values, onChange, errors = {}, disabled }: TemplateVariablesProps) {
  if (count === 0) return null;
  return (
    <div className="wa-stack wa-stack--tight" data-testid="template-variables">
      {Array.from({ length: count }, (_, i) => {
        const id = `wa-template-var-${i + 1}`;
        return (
          <FormField className="wa-fill" key={id} labelText={`Variable ${i + 1}`} labelFor={id} error={errors[i]}>
            <Input
              id={id}
              inputSize="compact"
              className="wa-input-full"
              data-testid={`template-var-${i + 1}`}
              required
              aria-required="true"
              aria-invalid={errors[i] ? true : undefined}
              error={Boolean(errors[i])}
              value={values[i] ?? ''}
              placeholder={`Value for {{${i + 1}}}`}
              maxLength={1024}
              disabled={disabled}
              cropOnBlur={false}
              onChange={(e) => onChange(i, e.target.value)}
            />
          </FormField>
        );
      })}
    </div>
  );
}
