import { Heading, Loader, Tag, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { useBalance } from '../api/get-balance.ts';

/** The organization's conversation balance, for the fullscreen overview. */
export function BalanceCard() {
  const balance = useBalance();
  return (
    <Card title="Conversations">
      {balance.isPending ? (
        <Loader size="small" />
      ) : balance.isError ? (
        <Text className="wa-error-text" role="alert">
          Couldn't load the balance. {errorMessage(balance.error)}
        </Text>
      ) : (
        <div className="wa-stack">
          <div className="wa-row">
            <Heading size="lg" as="span" data-testid="balance-remaining">
              {balance.data.remaining}
            </Heading>
            <Text as="span" className="wa-muted">
              remaining
            </Text>
            {balance.data.low && <Tag kind="warning">Low</Tag>}
          </div>
          {balance.data.reserved > 0 && (
            <Text as="span" size="sm" className="wa-muted">
              {balance.data.reserved} held by running campaigns
            </Text>
          )}
          {balance.data.lowBalanceThreshold !== null && (
            <Text as="span" size="sm" className="wa-muted">
              Low-balance warning below {balance.data.lowBalanceThreshold}
            </Text>
          )}
        </div>
      )}
    </Card>
  );
}
