import { Heading, Text } from '@livechat/design-system-react-components';
import { Card } from '../../components/card.tsx';
import { errorMessage } from '../../lib/api-client.ts';
import { formatPhone } from '../../lib/format-phone.ts';
import { useMe } from '../../features/auth/api/get-me.ts';
import { BalanceCard } from '../../features/balance/components/balance-card.tsx';
import { LedgerHistory } from '../../features/balance/components/ledger-history.tsx';
import { ThresholdForm } from '../../features/balance/components/threshold-form.tsx';
import { BillsCard } from '../../features/billing/components/bills-card.tsx';
import { PackagesCard } from '../../features/billing/components/packages-card.tsx';
import { UsageCard } from '../../features/billing/components/usage-card.tsx';
import { useCatalog } from '../../features/catalog/api/get-catalog.ts';
import { useNumbers } from '../../features/numbers/api/get-numbers.ts';
import { CheckoutStatus } from '../../features/payments/components/checkout-status.tsx';
import { useCheckout } from '../../features/payments/hooks/use-checkout.ts';
import './billing.css';

/** C.2–C.4: balance and its warning, packages, usage, bills and the ledger's history. Agents only look. */
export default function BillingPage() {
  const canManage = useMe().data?.canManage ?? false;
  const catalog = useCatalog();
  const numbers = useNumbers();
  const checkout = useCheckout();
  const numberLabel = (id: string) => {
    const n = numbers.data?.find((x) => x.id === id);
    return n ? `${n.displayName} (${formatPhone(n.number)})` : null;
  };

  return (
    <div className="wa-stack wa-page">
      <Heading size="sm" as="h2">
        Balance and billing
      </Heading>
      <CheckoutStatus state={checkout.state} onDismiss={checkout.reset} />
      <div className="wa-grid">
        <div className="wa-stack">
          <BalanceCard />
          <Card title="Low-balance warning">
            <ThresholdForm canManage={canManage} />
          </Card>
        </div>
        {catalog.data ? (
          <PackagesCard
            packages={catalog.data.packages}
            currency={catalog.data.currency}
            canManage={canManage}
            disabled={checkout.busy || !checkout.ready}
            onPurchase={(purchase) => void checkout.pay(purchase.charge, purchase.bill.description)}
          />
        ) : (
          <Card title="Buy conversations">
            <Text size="sm" className={catalog.isError ? 'wa-error-text' : 'wa-muted'}>
              {catalog.isError ? `Couldn't load the packages. ${errorMessage(catalog.error)}` : 'Loading…'}
            </Text>
          </Card>
        )}
      </div>
      <UsageCard />
      <BillsCard />
      <LedgerHistory numberLabel={numberLabel} />
    </div>
  );
}
