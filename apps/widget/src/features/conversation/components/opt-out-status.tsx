import type { ConversationStatus, OptOutSource } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { formatDate } from '../../../lib/format-date.ts';

const HOW: Record<OptOutSource, string> = {
  keyword: 'replied STOP (or a similar word)',
  button: 'tapped the Stop button',
  manual: 'was added to the suppression list by an owner',
  import: 'was imported into the suppression list by an owner',
  consent_withdrawn: 'withdrew consent',
};

/** F.4: an opted-out customer must not be messaged; the agent sees why, and how it can change. */
export function OptOutStatus({ optOut }: { optOut: NonNullable<ConversationStatus['optOut']> }) {
  const self = optOut.source === 'keyword' || optOut.source === 'button' || optOut.source === 'consent_withdrawn';
  return (
    <InlineAlert kind="warning" role="status" data-testid="opt-out-status" data-source={optOut.source}>
      <strong>Opted out of WhatsApp messages.</strong> This customer {HOW[optOut.source]} on {formatDate(optOut.at)}
      {optOut.reason ? ` (${optOut.reason})` : ''}, so nothing can be sent to them.{' '}
      {self ? 'They can opt back in by sending START.' : 'An owner can remove them from the list in the WhatsApp app.'}
    </InlineAlert>
  );
}

/** L.11c: the customer asked to restrict processing of their data: nothing may be sent until an owner lifts it. */
export function RestrictionStatus({ restriction }: { restriction: NonNullable<ConversationStatus['restriction']> }) {
  return (
    <InlineAlert kind="warning" role="status" data-testid="restriction-status">
      <strong>Processing restricted.</strong> This customer asked on {formatDate(restriction.at)} to restrict processing of their data
      {restriction.reason ? ` (${restriction.reason})` : ''}, so nothing can be sent to them. An owner can lift it in the WhatsApp app,
      under Customer data.
    </InlineAlert>
  );
}
