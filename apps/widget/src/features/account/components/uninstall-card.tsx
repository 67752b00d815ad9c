import { Text } from '@livechat/design-system-react-components';
import { QueryCard } from '../../../components/query-card.tsx';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useLossPreview } from '../api/get-loss-preview.ts';

/**
 * C.5, E: before the owner uninstalls (in LiveChat's Marketplace) or closes the LiveChat account, what they would
 * lose, right now, in numbers.
 */
export function UninstallCard() {
  const preview = useLossPreview(true);
  return (
    <QueryCard title="Uninstall: what you lose" query={preview} failed="Couldn't load it.">
      {(data) => (
        <div className="wa-stack" data-testid="loss-preview">
          <Text size="sm">
            Uninstalling WhatsApp Business from LiveChat, or closing your LiveChat account, takes effect at once (terms Parts C.5 and E):
          </Text>
          <ul className="wa-loss">
            <li data-testid="loss-conversations">
              <strong>{data.remainingConversations + data.reservedConversations}</strong> conversations are lost
              {data.reservedConversations > 0 && (
                <> (including {data.reservedConversations} held by running campaigns, which are cancelled)</>
              )}
              . They are not refunded.
            </li>
            <li data-testid="loss-numbers">
              {data.numbers.length === 0 ? (
                'No WhatsApp number is connected.'
              ) : (
                <>
                  <strong>{data.numbers.length}</strong> number{data.numbers.length === 1 ? ' is' : 's are'} disconnected and
                  {data.numbers.length === 1 ? ' its plan' : ' their plans'} cancelled:{' '}
                  {data.numbers.map((n) => `${n.displayName} (${formatPhone(n.number)})`).join(', ')}.
                </>
              )}
            </li>
            <li>Installing the app again starts from zero: no conversations, no numbers, and the terms to accept again.</li>
          </ul>
          <Text size="sm" className="wa-muted">
            To keep your conversations, keep the app installed. Apps are uninstalled from LiveChat's Apps Marketplace.
          </Text>
        </div>
      )}
    </QueryCard>
  );
}
