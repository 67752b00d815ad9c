import { lazy, Suspense } from 'react';
import { Loader } from '@livechat/design-system-react-components';
import { AuthGate } from '../../features/auth/components/auth-gate.tsx';
import { AccountSummary } from '../../features/auth/components/account-summary.tsx';
import { AccountGate } from '../../features/account/components/account-gate.tsx';

// The send screen (phone parsing, templates, history) is loaded in its own chunk, fetched right away so it is
// there by the time the agent has signed in.
const loadDetailsScreen = () => import('./details-screen.tsx');
void loadDetailsScreen();
const DetailsScreen = lazy(loadDetailsScreen);

export function DetailsApp() {
  return (
    <main className="wa-details">
      <AuthGate purpose="Send WhatsApp template messages to this customer.">
        {/* LiveChat titles the sidebar section itself; the heading gives screen readers the page's outline. */}
        <h1 className="wa-visually-hidden">WhatsApp Business</h1>
        <AccountSummary />
        <AccountGate>
          <Suspense fallback={<Loader size="small" label="Loading…" />}>
            <DetailsScreen />
          </Suspense>
        </AccountGate>
      </AuthGate>
    </main>
  );
}
