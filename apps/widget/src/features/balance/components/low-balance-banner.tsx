import { InlineAlert } from '../../../components/inline-alert.tsx';
import { useBalance } from '../api/get-balance.ts';

/** Across the fullscreen app: the balance is below the owner's threshold, or empty. */
export function LowBalanceBanner({ canManage }: { canManage: boolean }) {
  const balance = useBalance();
  if (!balance.data?.low && balance.data?.remaining !== 0) return null;
  const { remaining, lowBalanceThreshold } = balance.data;
  const action = canManage ? 'Buy a package in Billing.' : 'Ask an owner or administrator to buy a package.';
  return (
    <InlineAlert kind={remaining === 0 ? 'error' : 'warning'} role="alert" data-testid="low-balance-alert">
      {remaining === 0
        ? `No conversations left: templates that open a new conversation can't be sent. ${action}`
        : `Running low: ${remaining} conversation${remaining === 1 ? '' : 's'} left, below your warning level of ${lowBalanceThreshold}. ${action}`}
    </InlineAlert>
  );
}
