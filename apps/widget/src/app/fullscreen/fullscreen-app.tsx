import { lazy, Suspense, useState, type ComponentType, type LazyExoticComponent } from 'react';
import { Heading, Loader, Tab, TabsList, TabsWrapper } from '@livechat/design-system-react-components';
import { AuthGate } from '../../features/auth/components/auth-gate.tsx';
import { AccountSummary } from '../../features/auth/components/account-summary.tsx';
import { AccountGate } from '../../features/account/components/account-gate.tsx';
import { DataDeletionCard } from '../../features/business/components/data-deletion-card.tsx';
import { BalanceAlerts } from './balance-alerts.tsx';

interface PageProps {
  onNavigate?: (pageId: string) => void;
}

interface Page {
  id: string;
  label: string;
  /** `onNavigate` lets a page send the owner to another tab (Campaigns → Billing to buy conversations). */
  component: LazyExoticComponent<ComponentType<PageProps>> | ComponentType<PageProps>;
}

// Each tab is its own chunk, loaded the first time it is opened.
const PAGES: Page[] = [
  { id: 'overview', label: 'Overview', component: lazy(() => import('./overview-page.tsx')) },
  { id: 'numbers', label: 'Numbers', component: lazy(() => import('./numbers-page.tsx')) },
  { id: 'billing', label: 'Billing', component: lazy(() => import('./billing-page.tsx')) },
  { id: 'templates', label: 'Templates', component: lazy(() => import('./templates-page.tsx')) },
  { id: 'campaigns', label: 'Campaigns', component: lazy(() => import('./campaigns-page.tsx')) },
  { id: 'opt-outs', label: 'Opt-outs', component: lazy(() => import('./opt-outs-page.tsx')) },
  { id: 'relay', label: 'WhatsApp chats', component: lazy(() => import('./relay-page.tsx')) },
  { id: 'privacy', label: 'Customer data', component: lazy(() => import('./privacy-page.tsx')) },
  { id: 'account', label: 'Account', component: lazy(() => import('./account-page.tsx')) },
];

export function FullscreenApp() {
  const [pageId, setPageId] = useState('overview');
  const page = PAGES.find((p) => p.id === pageId) ?? PAGES[0]!;
  const Page = page.component;

  return (
    <main className="wa-fullscreen">
      <AuthGate purpose="Connect WhatsApp numbers, manage billing and run campaigns for your organization.">
        <header className="wa-fullscreen__header">
          <Heading size="md" as="h1">
            WhatsApp Business
          </Heading>
          <AccountSummary />
        </header>
        <AccountGate afterUninstall={<DataDeletionCard />}>
          <TabsWrapper>
            <TabsList role="tablist" aria-label="Sections">
              {PAGES.map((p) => (
                <Tab
                  key={p.id}
                  role="tab"
                  aria-selected={p.id === page.id}
                  isSelected={p.id === page.id}
                  data-testid={`tab-${p.id}`}
                  onClick={() => setPageId(p.id)}
                >
                  {p.label}
                </Tab>
              ))}
            </TabsList>
          </TabsWrapper>
          <BalanceAlerts />
          <section role="tabpanel" aria-label={page.label} className="wa-fullscreen__page">
            <Suspense fallback={<Loader size="medium" />}>
              <Page onNavigate={setPageId} />
            </Suspense>
          </section>
        </AccountGate>
      </AuthGate>
    </main>
  );
}
