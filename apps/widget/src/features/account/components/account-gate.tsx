import { useEffect, useRef, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Loader, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { useAccount } from '../api/get-account.ts';
import { useReactivate } from '../api/reactivate.ts';
import { TermsAcceptance, WaitingForOwner } from './terms-acceptance.tsx';
import { Gate } from './gate.tsx';

/**
 * Between sign-in and the app: the owner accepts the terms before first use (others wait for them), an
 * uninstalled app offers the owner to start again, and a suspended or terminated business sees why above
 * everything else. The BFF refuses sending and buying in those states whatever the widget shows.
 */
export function AccountGate({
  children,
  afterUninstall,
}: {
  children: ReactNode;
  /** Shown to owners and admins once uninstalled (e.g. deleting the data). */ afterUninstall?: ReactNode;
}) {
  const account = useAccount();
  useRefreshOnStatusChange(account.data ? `${account.data.status}:${account.data.blockedCode ?? ''}` : null);
  if (account.isPending) return <Loader size="small" label="Loading your account…" />;
  if (account.isError) {
    return (
      <InlineAlert kind="error" role="alert" onRetry={() => void account.refetch()}>
        Couldn't load your WhatsApp Business account. {errorMessage(account.error)}
      </InlineAlert>
    );
  }
  const a = account.data;
  if (a.status === 'uninstalled') return <Uninstalled canStart={a.canAcceptTerms} extra={a.canAcceptTerms ? afterUninstall : null} />;
  if (a.status === 'active' && a.terms.acceptanceRequired) {
    return a.canAcceptTerms ? <TermsAcceptance account={a} /> : <WaitingForOwner account={a} />;
  }
  return (
    <>
      {a.blockedReason && (
        <div className="wa-gate-banner">
          <InlineAlert kind={a.status === 'suspended' ? 'warning' : 'error'} role="alert" data-testid="account-blocked">
            {a.blockedReason}
          </InlineAlert>
        </div>
      )}
      {children}
    </>
  );
}

function Uninstalled({ canStart, extra }: { canStart: boolean; extra?: ReactNode }) {
  const reactivate = useReactivate();
  return (
    <Gate
      testId="account-uninstalled"
      title="The app was uninstalled"
      intro={
        <>
          WhatsApp Business was uninstalled from LiveChat (or the LiveChat account closed), so its conversations were lost and its numbers
          disconnected. Installing it again starts from zero.
        </>
      }
    >
      {canStart ? (
        <>
          <Button kind="primary" loading={reactivate.isPending} onClick={() => reactivate.mutate()}>
            Start again
          </Button>
          {reactivate.isError && (
            <InlineAlert kind="error" role="alert">
              {errorMessage(reactivate.error)}
            </InlineAlert>
          )}
        </>
      ) : (
        <Text size="sm" className="wa-muted">
          Ask the owner of your LiveChat organization to open the app and start again.
        </Text>
      )}
      {extra}
    </Gate>
  );
}

/** When the business's standing changes (suspended, restored, terms accepted), what depends on it is fetched again. */
function useRefreshOnStatusChange(state: string | null) {
  const queryClient = useQueryClient();
  const previous = useRef<string | null>(null);
  useEffect(() => {
    if (state === null) return;
    if (previous.current !== null && previous.current !== state) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.numbers.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.balance });
    }
    previous.current = state;
  }, [state, queryClient]);
}
