import { Icon, Tag, Text } from '@livechat/design-system-react-components';
import { Time } from '@livechat/design-system-icons';
import type { ConversationStatus } from '@wa/contracts';
import { formatDateTime } from '../../../lib/format-date.ts';
import { formatCountdown, formatRemaining } from '../utils/format-countdown.ts';

interface CustomerWindowProps {
  status: ConversationStatus;
  /** Milliseconds until the window closes, ticking (null when closed). */
  remainingMs: number | null;
}

/** WhatsApp's 24-hour customer-service window: open (free text allowed, with a countdown) or closed (templates only). */
export function CustomerWindow({ status, remainingMs }: CustomerWindowProps) {
  const open = status.customerWindow.open && remainingMs !== null && remainingMs > 0;
  const last = status.customerWindow.lastMessageAt;
  return (
    <div className="wa-window" data-testid="customer-window" data-open={open ? 'true' : 'false'}>
      <div className="wa-row wa-row--between">
        <Text as="span" size="sm" bold>
          24-hour window
        </Text>
        <Tag size="small" kind={open ? 'success' : 'default'} data-testid="window-state">
          {open ? 'Open' : 'Closed'}
        </Tag>
      </div>
      {open && remainingMs !== null ? (
        <div className="wa-row">
          <Icon source={Time} size="small" className="wa-muted" />
          <Text as="span" size="sm">
            Free text allowed for{' '}
            <strong className="wa-countdown" data-testid="window-countdown" aria-label={formatRemaining(remainingMs)}>
              {formatCountdown(remainingMs)}
            </strong>
          </Text>
        </div>
      ) : (
        <Text as="div" size="sm" className="wa-muted" data-testid="window-closed-reason">
          {windowClosedReason(last)}
        </Text>
      )}
    </div>
  );
}

/** Why free text is not allowed, in the words the agent needs. */
function windowClosedReason(lastMessageAt: string | null): string {
  const why = lastMessageAt
    ? `The customer last wrote on ${formatDateTime(lastMessageAt)}, more than 24 hours ago.`
    : "The customer hasn't written to this number in the last 24 hours.";
  return `${why} WhatsApp only allows approved templates until they write again.`;
}
