import { TextField } from '../../../components/text-field.tsx';
import type { TemplateSectionProps } from './template-section.ts';

/** A text of the draft itself (its name, its footer): the field's id, value, problem and change follow from the key. */
export function DraftTextField({
  name,
  label,
  description,
  draft,
  errorOf,
  update,
}: TemplateSectionProps & { name: 'name' | 'footer'; label: string; description?: string }) {
  return (
    <TextField
      id={`wa-tpl-${name}`}
      label={label}
      description={description}
      error={errorOf(name)}
      inputError={false}
      className="wa-input-full"
      data-testid={`tpl-${name}`}
      value={draft[name]}
      cropOnBlur={false}
      onChange={(e) => update({ [name]: e.target.value }, name)}
    />
  );
}
