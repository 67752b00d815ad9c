import { useState } from 'react';
import { Button, Text } from '@livechat/design-system-react-components';
import { checkPhone } from '@wa/contracts';
import { PhoneField } from '../../../components/text-field.tsx';
import { Form } from '../../../components/form.tsx';
import { MutationError } from '../../../components/mutation-error.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useAddOptOut } from '../api/opt-outs.ts';
import { ReasonField } from './reason-field.tsx';

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
    <Form
      className="wa-stack wa-stack--tight"
      aria-label="Add to the suppression list"
      onSubmit={() => {
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
        <PhoneField
          id="wa-optout-phone"
          label="Phone number"
          check={check}
          error={phoneError}
          data-testid="opt-out-add-phone"
          value={phone}
          onBlur={() => setTouched(true)}
          onChange={(e) => setPhone(e.target.value)}
        />
        <div className="wa-grow">
          <ReasonField
            id="wa-optout-reason"
            label="Reason"
            description="Why this customer must not be messaged"
            error={serverError}
            data-testid="opt-out-add-reason"
            placeholder="e.g. Asked by phone not to be contacted"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <Button type="submit" kind="primary" size="compact" data-testid="opt-out-add-submit" disabled={!canAdd} loading={add.isPending}>
          Add to list
        </Button>
      </div>
      {!serverError && <MutationError mutation={add} />}
      {add.isSuccess && (
        <Text size="sm" className="wa-success-text" role="status" data-testid="opt-out-add-done">
          {add.data.created
            ? `${formatPhone(add.data.optOut.recipient)} will not be messaged.`
            : `${formatPhone(add.data.optOut.recipient)} was already on the list.`}
        </Text>
      )}
    </Form>
  );
}
