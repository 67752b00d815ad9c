import { useState } from 'react';
import { Button } from '@livechat/design-system-react-components';
import { checkPhone } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { PhoneField } from '../../../components/text-field.tsx';
import { Form } from '../../../components/form.tsx';
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
        <Form className="wa-privacy__lookup" aria-label="Look up a customer's phone number" onSubmit={lookUp}>
          <PhoneField
            id="wa-privacy-phone"
            label="Customer's phone number"
            fieldClassName="wa-privacy__phone"
            className="wa-input-full"
            check={check}
            error={inputError}
            data-testid="privacy-phone"
            value={input}
            onChange={(e) => {
              setInput(e.target.value);
              setTouched(false);
            }}
            onBlur={() => input.trim() && setTouched(true)}
          />
          <Button type="submit" kind="primary" size="compact" data-testid="privacy-lookup">
            Look up
          </Button>
        </Form>
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
