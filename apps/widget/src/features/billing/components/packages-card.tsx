import { Button, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import type { CatalogPackage, PurchaseResponse } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatMoney } from '../../../lib/format-money.ts';
import { useBuyPackage } from '../api/buy-package.ts';

interface PackagesCardProps {
  packages: CatalogPackage[];
  currency: string;
  canManage: boolean;
  /** Opens LiveChat's payment window for the package's charge. */
  onPurchase: (purchase: PurchaseResponse) => void;
  /** A payment is under way, or LiveChat is not connected yet. */
  disabled: boolean;
}

/** C.2: prepaid packages, paid once; unused conversations roll over with no expiry. */
export function PackagesCard({ packages, currency, canManage, onPurchase, disabled }: PackagesCardProps) {
  const buy = useBuyPackage();
  return (
    <Card title="Buy conversations">
      <div className="wa-stack">
        <Text size="sm" className="wa-muted">
          One payment per package. Conversations you don't use roll over to the next month and never expire.
        </Text>
        <ul className="wa-options wa-options--packages" data-testid="packages">
          {packages.map((p) => {
            const pending = buy.isPending && buy.variables === p.id;
            return (
              <li key={p.id} className="wa-option wa-option--static" data-testid={`package-${p.id}`}>
                <span className="wa-option__price">{p.conversations.toLocaleString('en-US')}</span>
                <span className="wa-option__desc">conversations</span>
                <span className="wa-option__title wa-option__cost">{formatMoney(p.price, currency)}</span>
                <span className="wa-option__desc">{formatMoney(Math.round(p.price / p.conversations), currency)} each</span>
                {canManage && (
                  <Button
                    kind="primary"
                    size="compact"
                    className="wa-option__action"
                    loading={pending}
                    disabled={disabled || buy.isPending}
                    data-testid={`package-buy-${p.id}`}
                    onClick={() => buy.mutate(p.id, { onSuccess: onPurchase })}
                  >
                    Buy
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
        {buy.isError && (
          <InlineAlert kind="error" role="alert" data-testid="package-error">
            {errorMessage(buy.error)}
          </InlineAlert>
        )}
        {!canManage && (
          <Text size="sm" className="wa-muted" data-testid="billing-readonly-note">
            Only the owner or an administrator of your LiveChat organization can buy conversations.
          </Text>
        )}
      </div>
    </Card>
  );
}
