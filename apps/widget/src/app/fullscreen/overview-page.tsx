import { BalanceCard } from '../../features/balance/components/balance-card.tsx';
import { NumbersList } from '../../features/numbers/components/numbers-list.tsx';

export default function OverviewPage() {
  return (
    <div className="wa-grid">
      <BalanceCard />
      <NumbersList />
    </div>
  );
}
