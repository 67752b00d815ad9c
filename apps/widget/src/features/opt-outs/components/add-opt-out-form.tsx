import { useState } from 'react';
import { Button, FormField, Input, Text } from '@livechat/design-system-react-components';
import { checkPhone } from '@wa/contracts';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useAddOptOut } from '../api/opt-outs.ts';

/** Add one customer to the suppression list, with the reason (the owner's note, kept with the entry). */
export function AddOptOutForm() {
  const add = useAddOptOut();
  const [phone, setPhone] = useState('');
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const check = phone.trim() ? checkPhone(phone) : null;
  const phoneError = touched && check && !check.ok ? check.reason : undefined;
  const serverError = add.error instanceof ApiError ? add.error.fieldError('reason') : undefined;
  const canAdd = check?.ok === true && reason.trim().length > 0 && !add.isPending;

  return (
    <form
      className="wa-stack wa-stack--tight"
      aria-label="Add to the suppression list"
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (!canAdd || !check?.ok) return;
        add.mutate(
          { recipient: check.e164, reason: reason.trim() },
          {
            onSuccess: () => {
              setPhone('');
              setReason('');
              setTouched(false);
            },
          },
        );
      }}
    >
      <div className="wa-optouts__toolbar">
        <FormField
          labelText="Phone number"
          labelFor="wa-optout-phone"
          error={phoneError}
          description={check?.ok ? formatPhone(check.e164) : 'With the country code, e.g. +44 20 7946 0958'}
        >
          <Input
            id="wa-optout-phone"
            type="tel"
            inputSize="compact"
            data-testid="opt-out-add-phone"
            placeholder="+44 20 7946 0958"
            value={phone}
            cropOnBlur={false}
            error={Boolean(phoneError)}
            onBlur={() => setTouched(true)}
            onChange={(e) => setPhone(e.target.value)}
          />
        </FormField>
        <div className="wa-grow">
          <FormField
            className="wa-fill"
            labelText="Reason"
            labelFor="wa-optout-reason"
            error={serverError}
            description="Why this customer must not be messaged"
          >
            <Input
              id="wa-optout-reason"
              inputSize="compact"
              className="wa-input-full"
              data-testid="opt-out-add-reason"
              placeholder="e.g. Asked by phone not to be contacted"
              maxLength={500}
              value={reason}
              cropOnBlur={false}
              onChange={(e) => setReason(e.target.value)}
            />
          </FormField>
        </div>
        <Button type="submit" kind="primary" size="compact" data-testid="opt-out-add-submit" disabled={!canAdd} loading={add.isPending}>
          Add to list
        </Button>
      </div>
      {add.isError && !serverError && (
        <Text size="sm" className="wa-error-text" role="alert">
          {errorMessage(add.error)}
        </Text>
      )}
      {add.isSuccess && (
        <Text size="sm" className="wa-success-text" role="status" data-testid="opt-out-add-done">
          {add.data.created
            ? `${formatPhone(add.data.optOut.recipient)} will not be messaged.`
            : `${formatPhone(add.data.optOut.recipient)} was already on the list.`}
        </Text>
      )}
    </form>
  );
}
