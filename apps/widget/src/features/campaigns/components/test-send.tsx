import { useState } from 'react';
import { Button, FormField, Input, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import { checkPhone, type Campaign } from '@wa/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useTestSend } from '../api/campaigns.ts';

/** Step 4: the real message, with the first recipient's values, to the owner's own WhatsApp. */
export function TestSendCard({ campaign }: { campaign: Campaign }) {
  const [to, setTo] = useState('');
  const send = useTestSend(campaign.id);
  const country = parsePhoneNumberFromString(campaign.number)?.country;
  const check = to.trim() ? checkPhone(to, campaign.mapping.defaultCountry ?? country) : null;
  return (
    <Card title="Test send" data-testid="test-send-card">
      <div className="wa-stack">
        <Text size="sm" className="wa-muted">
          Send yourself the message with the first recipient's values, to see it as customers will. It counts like any message: a new
          conversation uses one from the balance.
        </Text>
        <FormField labelText="Your WhatsApp number" labelFor="wa-test-to" error={check && !check.ok ? check.reason : undefined}>
          <Input
            id="wa-test-to"
            className="wa-input-full"
            data-testid="test-send-to"
            placeholder="+48 601 234 567"
            value={to}
            onChange={(e) => {
              setTo(e.target.value);
              send.reset();
            }}
          />
        </FormField>
        <div className="wa-row">
          <Button
            kind="secondary"
            data-testid="test-send-button"
            disabled={!check?.ok || send.isPending}
            loading={send.isPending}
            onClick={() => check?.ok && send.mutate(check.e164)}
          >
            Send a test
          </Button>
          {send.isSuccess && (
            <Text size="sm" className="wa-success-text" data-testid="test-send-done">
              Sent to {formatPhone(send.data.message.to)}.
            </Text>
          )}
        </div>
        {send.isError && (
          <InlineAlert kind="error" role="alert">
            {errorMessage(send.error)}
          </InlineAlert>
        )}
      </div>
    </Card>
  );
}
