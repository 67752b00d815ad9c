import { Button, Text } from '@livechat/design-system-react-components';
import type { FieldError, SendMessageResponse } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { NetworkError } from '../../../lib/api-client.ts';
import { describeSendError } from '../utils/send-errors.ts';
import type { ComposeMode } from '../utils/send-rules.ts';

/** The send button and what became of the last attempt: why it cannot go yet, the refusal, or the success. */
export function SendOutcome({
  mode,
  canSend,
  blocker,
  showBlocker,
  send,
  otherErrors,
}: {
  mode: ComposeMode;
  canSend: boolean;
  blocker: string | null;
  /** The number's own refusal is shown by the number field, not repeated here. */
  showBlocker: boolean;
  send: { isPending: boolean; isError: boolean; error: unknown; isSuccess: boolean; data?: SendMessageResponse | undefined };
  /** Field errors the form has no place for. */
  otherErrors: FieldError[];
}) {
  return (
    <>
      <Button
        type="submit"
        kind="primary"
        fullWidth
        data-testid="send-button"
        disabled={!canSend}
        loading={send.isPending}
        loaderLabel="Sending…"
      >
        {mode === 'text' ? 'Send message' : 'Send WhatsApp template'}
      </Button>
      {blocker && !send.isPending && showBlocker && (
        <Text size="sm" className="wa-muted" data-testid="send-hint">
          {blocker}
        </Text>
      )}
      {send.isError && (
        <InlineAlert kind="error" role="alert" data-testid="send-error">
          {describeSendError(send.error)}
          {otherErrors.length > 0 && (
            <ul className="wa-plain-list">
              {otherErrors.map((e) => (
                <li key={`${e.path}:${e.message}`}>{e.message}</li>
              ))}
            </ul>
          )}
          {send.error instanceof NetworkError && ' Sending again is safe: it will not be sent twice.'}
        </InlineAlert>
      )}
      {send.isSuccess &&
        send.data &&
        (send.data.message.status === 'failed' || send.data.message.status === 'not_sent' ? (
          // A retried request whose first attempt the provider had already refused.
          <InlineAlert kind="error" role="alert" data-testid="send-error">
            {send.data.message.errorMessage ?? 'WhatsApp refused the message.'}
          </InlineAlert>
        ) : (
          <Text size="sm" className="wa-success-text" data-testid="send-success" role="status">
            Sent. Delivery status shows below.
          </Text>
        ))}
    </>
  );
}
