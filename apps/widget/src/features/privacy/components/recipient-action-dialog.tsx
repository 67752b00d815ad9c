import { useState } from 'react';
import { Button, FormField, Input, Modal, ModalPortal, Text } from '@livechat/design-system-react-components';
import type { RecipientData } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { Form } from '../../../components/form.tsx';
import { ApiError } from '../../../lib/api-client.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useRecipientAction, type RecipientAction } from '../api/recipient-rights.ts';
import { rightsErrorMessage } from '../utils/rights-error.ts';

export type RightKind = RecipientAction['kind'];

interface Copy {
  heading: string;
  confirm: string;
  kind: 'primary' | 'destructive';
  /** Said first, in bold: what cannot be taken back. */
  warning?: string;
  /** What happens, in the owner's words. */
  points: string[];
  reason?: { label: string; required: boolean; placeholder: string; description: string };
  /** The message shown once it is done. */
  done: (phone: string) => string;
}

export const RIGHTS: Record<RightKind, Copy> = {
  erase: {
    heading: 'Erase this number?',
    confirm: 'Erase for good',
    kind: 'destructive',
    warning: 'This cannot be undone.',
    points: [
      'The number is replaced by a keyed hash everywhere it is held; the message, conversation and campaign history that stays is anonymised.',
      'If the customer opted out or restricted processing, that stays in force: they will still not be messaged.',
      'Your conversation balance and bills do not change.',
    ],
    done: (phone) => `${phone} was erased. What remains is held under a keyed hash, not the number.`,
  },
  restrict: {
    heading: 'Restrict processing?',
    confirm: 'Restrict processing',
    kind: 'primary',
    points: [
      'Nothing will be sent to this number any more, by agents or by campaigns, until you lift the restriction.',
      'What is held is kept as it is. The reason is kept with the restriction and shown here.',
    ],
    reason: {
      label: 'Reason',
      required: true,
      placeholder: 'e.g. Customer disputes the accuracy of their data (email of 25 Nov)',
      description: 'Why processing is restricted. Required; do not paste the customer’s message.',
    },
    done: (phone) => `Processing of ${phone} is restricted. Nothing will be sent to it.`,
  },
  unrestrict: {
    heading: 'Lift the restriction?',
    confirm: 'Lift restriction',
    kind: 'primary',
    points: ['Agents and campaigns can message this number again, unless it is on your suppression list.'],
    done: (phone) => `The restriction on ${phone} was lifted.`,
  },
  'withdraw-consent': {
    heading: 'Record a consent withdrawal?',
    confirm: 'Withdraw consent',
    kind: 'primary',
    points: [
      'The number is added to your suppression list, as if the customer had replied STOP.',
      'Nothing will be sent to it any more, one-on-one or in campaigns, until the customer writes START.',
    ],
    reason: {
      label: 'Reason (optional)',
      required: false,
      placeholder: 'e.g. Asked by phone on 25 Nov',
      description: 'A short note kept with the opt-out.',
    },
    done: (phone) => `${phone} is opted out: consent withdrawn.`,
  },
};

interface Props {
  right: RightKind;
  phone: string;
  onClose: () => void;
  onDone: (message: string, data: RecipientData) => void;
}

/** The confirmation for one of the rights (L.11b–d): what it does, the reason when there is one, and the refusal in words. */
export function RecipientActionDialog({ right, phone, onClose, onDone }: Props) {
  const copy = RIGHTS[right];
  const action = useRecipientAction();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const trimmed = reason.trim();
  const missingReason = copy.reason?.required === true && !trimmed;
  const reasonError =
    (touched && missingReason ? 'Give a reason; it is kept with the restriction.' : undefined) ??
    (action.error instanceof ApiError ? action.error.fieldError('reason') : undefined);
  const error = action.isError ? rightsErrorMessage(action.error) : null;

  function submit() {
    setTouched(true);
    if (missingReason || action.isPending) return;
    const body: RecipientAction =
      right === 'restrict'
        ? { kind: right, phone, reason: trimmed }
        : right === 'withdraw-consent'
          ? { kind: right, phone, reason: trimmed || undefined }
          : { kind: right, phone };
    action.mutate(body, { onSuccess: (data) => onDone(copy.done(formatPhone(phone)), data) });
  }

  const close = () => {
    if (!action.isPending) onClose();
  };

  return (
    <ModalPortal zIndex={1000}>
      <Modal
        heading={copy.heading}
        aria-label={copy.heading}
        onClose={close}
        className="wa-privacy__modal"
        data-testid={`privacy-dialog-${right}`}
        footer={
          <div className="wa-row wa-privacy__modal-footer">
            <Button kind="secondary" onClick={close} disabled={action.isPending} data-testid="privacy-dialog-cancel">
              Cancel
            </Button>
            <Button
              kind={copy.kind}
              loading={action.isPending}
              disabled={missingReason && touched}
              onClick={submit}
              data-testid="privacy-dialog-confirm"
            >
              {copy.confirm}
            </Button>
          </div>
        }
      >
        <Form
          className="wa-stack"
          onSubmit={() => {
            submit();
          }}
        >
          {copy.warning && (
            <Text bold className="wa-error-text">
              {copy.warning}
            </Text>
          )}
          <Text>
            For <strong>{formatPhone(phone)}</strong>:
          </Text>
          <ul className="wa-privacy__points">
            {copy.points.map((p) => (
              <li key={p}>
                <Text as="span" size="sm">
                  {p}
                </Text>
              </li>
            ))}
          </ul>
          {copy.reason && (
            <FormField labelText={copy.reason.label} labelFor="wa-privacy-reason" error={reasonError} description={copy.reason.description}>
              <Input
                id="wa-privacy-reason"
                className="wa-input-full"
                data-testid="privacy-dialog-reason"
                placeholder={copy.reason.placeholder}
                maxLength={500}
                value={reason}
                cropOnBlur={false}
                error={Boolean(reasonError)}
                autoFocus
                onChange={(e) => setReason(e.target.value)}
              />
            </FormField>
          )}
          {error && (
            <InlineAlert kind="error" role="alert" data-testid="privacy-dialog-error">
              {error}
            </InlineAlert>
          )}
        </Form>
      </Modal>
    </ModalPortal>
  );
}
