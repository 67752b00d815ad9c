import { Loader, Text } from '@livechat/design-system-react-components';
import type { Message, MessageStatus } from '@wa/contracts';
import { errorMessage } from '../../../lib/api-client.ts';
import { LoadMore } from '../../../lib/load-more.tsx';
import { useMessages } from '../api/get-messages.ts';
import { formatTime } from '../utils/format-time.ts';

const STATUS_LABEL: Record<MessageStatus, string> = {
  queued: 'Queued',
  accepted: 'Accepted',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  not_sent: 'Not sent',
};

const HAPPY_PATH: MessageStatus[] = ['accepted', 'sent', 'delivered', 'read'];

function StatusTimeline({ message }: { message: Message }) {
  const reachedAt = new Map(message.timeline.map((t) => [t.status, t.at] as const));
  const failed = message.status === 'failed' || message.status === 'not_sent';
  const index = HAPPY_PATH.indexOf(message.status);
  // A failed message shows how far it got, then the failure: not the steps it will never reach.
  const steps = failed ? HAPPY_PATH.filter((s) => reachedAt.has(s)) : HAPPY_PATH;
  return (
    <ol className="wa-timeline" aria-label="Delivery status">
      {steps.map((s, i) => {
        const at = reachedAt.get(s);
        const reached = at !== undefined || (index >= 0 && i <= index);
        return (
          <li key={s} className={`wa-timeline__step ${reached ? 'wa-timeline__step--done' : ''}`} title={at ? formatTime(at) : undefined}>
            {STATUS_LABEL[s]}
          </li>
        );
      })}
      {failed && <li className="wa-timeline__step wa-timeline__step--failed">{STATUS_LABEL[message.status]}</li>}
    </ol>
  );
}

/** A marketing template may go out as its copy that carries the opt-out instruction (`<name>_optout_<hash>`). */
const OPT_OUT_COPY = /^(.+)_optout_[0-9a-f]{6}$/;

function title(message: Message): string {
  if (message.kind !== 'template') return 'Free text';
  const name = message.templateName ?? 'Template';
  const copy = OPT_OUT_COPY.exec(name);
  return copy ? `${copy[1]} (with opt-out line)` : name;
}

function MessageItem({ message }: { message: Message }) {
  const failed = message.status === 'failed' || message.status === 'not_sent';
  return (
    <li className="wa-message" data-testid={`message-${message.id}`}>
      <div className="wa-row wa-row--between">
        <Text as="span" size="sm" bold className="wa-ellipsis">
          {title(message)}
        </Text>
        <Text as="span" size="sm" className="wa-muted">
          {formatTime(message.createdAt)}
        </Text>
      </div>
      <div className="wa-row wa-row--between">
        <Text
          as="span"
          size="sm"
          className={failed ? 'wa-error-text' : 'wa-status'}
          data-testid={`message-status-${message.id}`}
          data-status={message.status}
        >
          {STATUS_LABEL[message.status]}
        </Text>
        <Text as="span" size="sm" className="wa-muted">
          {message.conversationsSpent > 0 ? 'Used 1 conversation' : 'No conversation used'}
        </Text>
      </div>
      <StatusTimeline message={message} />
      {failed && (message.errorMessage || message.errorCode) && (
        <Text as="div" size="sm" className="wa-error-text" data-testid={`message-error-${message.id}`}>
          {message.errorMessage ?? 'WhatsApp refused the message.'}
          {message.errorCode ? ` (${message.errorCode})` : ''}
        </Text>
      )}
    </li>
  );
}

/** The messages sent to this customer from the selected number, newest first, polled while any is still on its way. */
export function MessageHistory({ to, numberId }: { to: string | null; numberId: string | null }) {
  const messages = useMessages({ to: to ?? undefined, numberId: numberId ?? undefined });
  if (!to) return null;
  const list = messages.data?.pages.flatMap((p) => p.messages) ?? [];

  return (
    <section className="wa-stack wa-stack--tight" aria-label="Sent messages">
      <Text as="h2" size="sm" bold className="wa-section-title">
        Sent to this customer
      </Text>
      {messages.isPending ? (
        <Loader size="small" />
      ) : messages.isError && list.length === 0 ? (
        <Text size="sm" className="wa-error-text" role="alert">
          Couldn't load the messages. {errorMessage(messages.error)}
        </Text>
      ) : (
        <>
          <ul className="wa-messages" data-testid="message-list">
            {list.length === 0 ? (
              <li>
                <Text size="sm" className="wa-muted">
                  Nothing sent to this number yet.
                </Text>
              </li>
            ) : (
              list.map((m) => <MessageItem key={m.id} message={m} />)
            )}
          </ul>
          {messages.hasNextPage && <LoadMore query={messages} shown={list.length} noun="messages" testId="messages-load-more" />}
        </>
      )}
    </section>
  );
}
