import { SkeletonText, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { useBalance } from '../api/get-balance.ts';

/** One line for the sidebar: how many conversations the organization can still open. */
export function BalanceSummary() {
  const balance = useBalance();

  if (balance.isPending) return <SkeletonText width={180} height={16} />;
  if (balance.isError) {
    return (
      <Text size="sm" className="wa-error-text" role="alert">
        Couldn't load the balance. {errorMessage(balance.error)}
      </Text>
    );
  }

  const { remaining, low } = balance.data;
  return (
    <div className="wa-stack wa-stack--tight">
      <Text size="md">
        Remaining conversations: <strong data-testid="balance-remaining">{remaining}</strong>
      </Text>
      {remaining === 0 ? (
        <InlineAlert kind="error" data-testid="balance-low">
          No conversations left. Templates that open a new conversation can't be sent until an owner buys more.
        </InlineAlert>
      ) : (
        low && (
          <InlineAlert kind="warning" data-testid="balance-low">
            Running low on conversations. Ask an owner to buy more in the WhatsApp app.
          </InlineAlert>
        )
      )}
    </div>
  );
}
