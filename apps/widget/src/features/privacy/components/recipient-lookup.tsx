import { useState } from 'react';
import { Button, FormField, Input } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import { checkPhone } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useToast } from '../../../lib/livechat/hooks.tsx';
import { RecipientActionDialog, type RightKind } from './recipient-action-dialog.tsx';
import { RecipientDetails } from './recipient-details.tsx';

/**
 * L.11a–d: an owner or administrator looks up one customer's number, sees what is held about it, and acts on
 * the customer's request: erase, restrict processing (and lift it), withdraw consent.
 */
export function RecipientLookup({ selfAccountId }: { selfAccountId?: string | undefined }) {
  const toast = useToast();
  const [input, setInput] = useState('');
  const [touched, setTouched] = useState(false);
  const [phone, setPhone] = useState<string | null>(null);
  const [dialog, setDialog] = useState<RightKind | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const check = checkPhone(input);
  const inputError = touched && !check.ok ? check.reason : undefined;

  function lookUp() {
    setTouched(true);
    if (!check.ok) return;
    setPhone(check.e164);
    setDone(null);
  }

  return (
    <div className="wa-stack">
      <Card title="Look up a customer">
        <form
          className="wa-privacy__lookup"
          aria-label="Look up a customer's phone number"
          onSubmit={(e) => {
            e.preventDefault();
            lookUp();
          }}
        >
          <FormField
            className="wa-privacy__phone"
            labelText="Customer's phone number"
            labelFor="wa-privacy-phone"
            error={inputError}
            description={check.ok ? formatPhone(check.e164) : 'With the country code, e.g. +44 20 7946 0958'}
          >
            <Input
              id="wa-privacy-phone"
              type="tel"
              inputSize="compact"
              className="wa-input-full"
              data-testid="privacy-phone"
              placeholder="+44 20 7946 0958"
              value={input}
              cropOnBlur={false}
              error={Boolean(inputError)}
              onChange={(e) => {
                setInput(e.target.value);
                setTouched(false);
              }}
              onBlur={() => input.trim() && setTouched(true)}
            />
          </FormField>
          <Button type="submit" kind="primary" size="compact" data-testid="privacy-lookup">
            Look up
          </Button>
        </form>
        {phone && (
          <div className="wa-privacy__body">
            {done && (
              <InlineAlert kind="success" role="status" data-testid="privacy-action-done">
                {done}
              </InlineAlert>
            )}
            <RecipientDetails
              phone={phone}
              selfAccountId={selfAccountId}
              onAction={(right) => {
                setDone(null);
                setDialog(right);
              }}
            />
          </div>
        )}
      </Card>
      {phone && dialog && (
        <RecipientActionDialog
          right={dialog}
          phone={phone}
          onClose={() => setDialog(null)}
          onDone={(message) => {
            setDialog(null);
            setDone(message);
            toast({ kind: 'success', content: message });
          }}
        />
      )}
    </div>
  );
}
