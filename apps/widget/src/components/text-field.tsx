import type { ComponentProps, ReactNode } from 'react';
import { FormField, Input } from '@livechat/design-system-react-components';
import type { PhoneCheck } from '@wa/contracts';
import { formatPhone } from '../lib/format-phone.ts';

export type TextFieldProps = Omit<ComponentProps<typeof Input>, 'id' | 'error'> & {
  /** The input's id, which the label points at. */
  id: string;
  label: string;
  description?: ReactNode;
  /** Shown under the field; the input is marked as wrong while there is one. */
  error?: ReactNode;
  /** Overrides whether the input is marked as wrong, for a field whose message is not about what was typed. */
  inputError?: boolean;
  /** The field's class; `className` goes to the input. */
  fieldClassName?: string;
};

/** A labelled text input: the design system's FormField around its Input. */
export function TextField({ id, label, description, error, inputError, fieldClassName, ...input }: TextFieldProps) {
  return (
    <FormField className={fieldClassName} labelText={label} labelFor={id} error={error} description={description}>
      <Input id={id} error={inputError ?? Boolean(error)} {...input} />
    </FormField>
  );
}

/** A customer's phone number as typed: under it, the number it reads as, or how to write one. */
export function PhoneField({ check, ...field }: Omit<TextFieldProps, 'description'> & { check: PhoneCheck | null }) {
  return (
    <TextField
      type="tel"
      inputSize="compact"
      placeholder="+44 20 7946 0958"
      cropOnBlur={false}
      description={check?.ok ? formatPhone(check.e164) : 'With the country code, e.g. +44 20 7946 0958'}
      {...field}
    />
  );
}
