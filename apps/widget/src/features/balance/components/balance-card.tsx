import { Heading, Tag, Text } from '@livechat/design-system-react-components';
import { QueryCard } from '../../../components/query-card.tsx';
import { useBalance } from '../api/get-balance.ts';

/** The organization's conversation balance, for the fullscreen overview. */
export function BalanceCard() {
  const balance = useBalance();
  return (
    <QueryCard title="Conversations" query={balance} failed="Couldn't load the balance.">
      {(data) => (
        <div className="wa-stack">
          <div className="wa-row">
            <Heading size="lg" as="span" data-testid="balance-remaining">
              {data.remaining}
            </Heading>
            <Text as="span" className="wa-muted">
              remaining
            </Text>
            {data.low && <Tag kind="warning">Low</Tag>}
          </div>
          {data.reserved > 0 && (
            <Text as="span" size="sm" className="wa-muted">
              {data.reserved} held by running campaigns
            </Text>
          )}
          {data.lowBalanceThreshold !== null && (
            <Text as="span" size="sm" className="wa-muted">
              Low-balance warning below {data.lowBalanceThreshold}
            </Text>
          )}
        </div>
      )}
    </QueryCard>
  );
}
