import { FormField, Textarea } from '@livechat/design-system-react-components';

export const TEXT_MAX = 4096;

interface FreeTextComposerProps {
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  error?: string | undefined;
}

/** Free text, allowed only inside the customer's 24-hour window. Never stored: it goes to WhatsApp and is gone. */
export function FreeTextComposer({ value, onChange, disabled, error }: FreeTextComposerProps) {
  const left = TEXT_MAX - value.length;
  return (
    <FormField
      className="wa-fill"
      labelText="Message"
      labelFor="wa-free-text"
      error={error}
      description={left < 200 ? `${left} characters left` : 'Sent as a WhatsApp message from the number above.'}
    >
      <Textarea
        id="wa-free-text"
        className="wa-textarea"
        data-testid="free-text-input"
        rows={4}
        maxLength={TEXT_MAX}
        placeholder="Write a reply…"
        value={value}
        disabled={disabled}
        error={Boolean(error)}
        onChange={(e) => onChange(e.target.value)}
      />
    </FormField>
  );
}
