import { FormField, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import type { WhatsAppNumber } from '@wa/contracts';
import { formatPhone } from '../../../lib/format-phone.ts';

interface SendingNumberFieldProps {
  numbers: WhatsAppNumber[];
  value: string | null;
  onChange: (numberId: string) => void;
  error?: string | undefined;
}

/** The organization's number the template goes out from: a select when there is a choice, plain text otherwise. */
export function SendingNumberField({ numbers, value, onChange, error }: SendingNumberFieldProps) {
  const selected = numbers.find((n) => n.id === value) ?? null;

  return (
    <div className="wa-stack wa-stack--tight">
      {numbers.length > 1 ? (
        <FormField className="wa-fill" labelText="Sending number" labelFor="wa-sending-number" error={error}>
          <select
            id="wa-sending-number"
            className="wa-select"
            data-testid="number-select"
            value={value ?? ''}
            onChange={(e) => onChange(e.target.value)}
          >
            {numbers.map((n) => (
              <option key={n.id} value={n.id}>
                {n.displayName} ({formatPhone(n.number)})
              </option>
            ))}
          </select>
        </FormField>
      ) : (
        selected && (
          <div>
            <Text as="div" size="sm" className="wa-label">
              Sending number
            </Text>
            <Text as="div" size="md" data-testid="sending-number">
              {selected.displayName} <span className="wa-muted">· {formatPhone(selected.number)}</span>
            </Text>
            {error && (
              <Text size="sm" className="wa-error-text">
                {error}
              </Text>
            )}
          </div>
        )
      )}
      {selected && !selected.canSend && (
        <InlineAlert kind="warning" data-testid="cannot-send-reason">
          {selected.cannotSendReason ?? 'This number cannot send messages right now.'}
        </InlineAlert>
      )}
    </div>
  );
}
