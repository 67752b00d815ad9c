import { Button, FormField, Input, Text } from '@livechat/design-system-react-components';
import type { Recipient } from '../hooks/use-recipient.ts';
import { formatPhone } from '../../../lib/format-phone.ts';

interface RecipientFieldProps {
  recipient: Recipient;
  /** An error about the number from the server (field `to`). */
  serverError?: string | undefined;
  disabled?: boolean;
}

/** Shows the customer's WhatsApp number, or an input to type or change it. */
export function RecipientField({ recipient, serverError, disabled }: RecipientFieldProps) {
  if (recipient.mode === 'display' && recipient.e164) {
    return (
      <div className="wa-stack wa-stack--tight">
        <Text as="div" size="sm" className="wa-label">
          Customer's WhatsApp number
        </Text>
        <div className="wa-row wa-row--between">
          <Text as="span" size="md" bold data-testid="customer-number">
            {formatPhone(recipient.e164)}
          </Text>
          <Button kind="text" size="compact" onClick={recipient.edit} disabled={disabled} data-testid="customer-number-change">
            Change
          </Button>
        </div>
        {serverError && (
          <Text size="sm" className="wa-error-text" role="alert">
            {serverError}
          </Text>
        )}
      </div>
    );
  }

  const localError = recipient.check && !recipient.check.ok ? recipient.check.reason : undefined;
  const error = localError ?? serverError;
  const valid = recipient.check?.ok === true;

  return (
    <FormField
      className="wa-fill"
      labelText="Customer's WhatsApp number"
      labelFor="wa-customer-number"
      error={error ? <span data-testid="customer-number-error">{error}</span> : undefined}
      description={
        valid && recipient.check?.ok
          ? `Will send to ${formatPhone(recipient.check.e164)}`
          : 'Include the country code, e.g. +44 20 7946 0958'
      }
    >
      <div className="wa-row wa-fill">
        <div className="wa-grow">
          <Input
            id="wa-customer-number"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            inputSize="compact"
            className="wa-input-full"
            data-testid="customer-number-input"
            aria-invalid={error ? true : undefined}
            error={Boolean(error)}
            placeholder="+44 20 7946 0958"
            value={recipient.input}
            disabled={disabled}
            cropOnBlur={false}
            onChange={(e) => recipient.setInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') recipient.done();
            }}
          />
        </div>
        {valid && (
          <Button kind="secondary" size="compact" onClick={recipient.done}>
            Done
          </Button>
        )}
        {recipient.canCancel && (
          <Button kind="text" size="compact" onClick={recipient.cancel}>
            Cancel
          </Button>
        )}
      </div>
    </FormField>
  );
}
