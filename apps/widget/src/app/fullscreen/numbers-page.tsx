import { useState } from 'react';
import { Button, Heading, Loader, Text } from '@livechat/design-system-react-components';
import { errorMessage } from '../../lib/api-client.ts';
import { useMe } from '../../features/auth/api/get-me.ts';
import { useCatalog } from '../../features/catalog/api/get-catalog.ts';
import { useNumbers } from '../../features/numbers/api/get-numbers.ts';
import { CallbackSettingsCard } from '../../features/numbers/components/callback-settings-card.tsx';
import { ConnectNumberForm } from '../../features/numbers/components/connect-number-form.tsx';
import { NumberCard } from '../../features/numbers/components/number-card.tsx';
import { CheckoutStatus } from '../../features/payments/components/checkout-status.tsx';
import { useCheckout } from '../../features/payments/hooks/use-checkout.ts';
import './billing.css';

/** C.1: the organization's numbers, each with its own plan; owners and admins connect, pay and disconnect. */
export default function NumbersPage() {
  const canManage = useMe().data?.canManage ?? false;
  // Plans change in LiveChat billing too (renewals, overdue payments): keep the statuses current.
  const numbers = useNumbers({ refetchInterval: 15_000 });
  const catalog = useCatalog();
  const checkout = useCheckout();
  const [connecting, setConnecting] = useState(false);
  const plans = catalog.data?.plans ?? [];
  const currency = catalog.data?.currency ?? 'USD';

  return (
    <div className="wa-stack wa-page">
      <div className="wa-row wa-row--between">
        <div className="wa-stack wa-stack--tight">
          <Heading size="sm" as="h2">
            WhatsApp numbers
          </Heading>
          <Text size="sm" className="wa-muted">
            Each number has its own plan, billed monthly or annually through LiveChat. A number can send only while its plan is active.
          </Text>
        </div>
        {canManage && !connecting && (
          <Button kind="primary" onClick={() => setConnecting(true)} disabled={!catalog.data} data-testid="connect-number">
            Connect a number
          </Button>
        )}
      </div>

      <CheckoutStatus state={checkout.state} onDismiss={checkout.reset} />

      {canManage && connecting && catalog.data && (
        <ConnectNumberForm
          plans={plans}
          currency={currency}
          disabled={checkout.busy}
          onCancel={() => setConnecting(false)}
          onConnected={(purchase) => {
            setConnecting(false);
            void checkout.pay(purchase.charge, `${purchase.bill.description} for ${purchase.number.displayName}`);
          }}
        />
      )}
      {catalog.isError && (
        <Text size="sm" className="wa-error-text" role="alert">
          Couldn't load the plans. {errorMessage(catalog.error)}
        </Text>
      )}

      {numbers.isPending ? (
        <Loader size="medium" />
      ) : numbers.isError ? (
        <Text className="wa-error-text" role="alert">
          Couldn't load the numbers. {errorMessage(numbers.error)}
        </Text>
      ) : numbers.data.length === 0 ? (
        <Text className="wa-muted" data-testid="numbers-empty">
          No WhatsApp number is connected yet.{canManage ? ' Connect one to start sending.' : ' An owner or administrator can connect one.'}
        </Text>
      ) : (
        <ul className="wa-cards" data-testid="number-cards">
          {numbers.data.map((n) => (
            <NumberCard
              key={n.id}
              number={n}
              canManage={canManage}
              plans={plans}
              currency={currency}
              busy={checkout.busy}
              onPurchase={(purchase) =>
                void checkout.pay(purchase.charge, `${purchase.bill.description} for ${purchase.number.displayName}`)
              }
            />
          ))}
        </ul>
      )}

      {canManage ? (
        <CallbackSettingsCard />
      ) : (
        <Text size="sm" className="wa-muted" data-testid="numbers-readonly-note">
          Only the owner or an administrator of your LiveChat organization can connect numbers and change plans.
        </Text>
      )}
    </div>
  );
}
