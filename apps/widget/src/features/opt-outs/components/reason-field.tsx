import { TextField, type TextFieldProps } from '../../../components/text-field.tsx';

/** The owner's note kept with a suppression-list entry; a refusal of it is shown under the field only. */
export function ReasonField(props: TextFieldProps) {
  return (
    <TextField
      fieldClassName="wa-fill"
      inputSize="compact"
      className="wa-input-full"
      maxLength={500}
      cropOnBlur={false}
      inputError={false}
      {...props}
    />
  );
}
