import { useMe } from '../../features/auth/api/get-me.ts';
import { useBalance } from '../../features/balance/api/get-balance.ts';
import { LowBalanceBanner } from '../../features/balance/components/low-balance-banner.tsx';
import { useNotificationBadge } from '../../lib/livechat/badge.ts';

/**
 * Below the owner's low-balance threshold: an alert on every tab, and a badge on the app's icon in the Agent
 * App's menu (setNotificationBadge), so it is seen even while another app is open.
 */
export function BalanceAlerts() {
  const balance = useBalance();
  const canManage = useMe().data?.canManage ?? false;
  useNotificationBadge(balance.data?.low ? 1 : null);
  return <LowBalanceBanner canManage={canManage} />;
}
