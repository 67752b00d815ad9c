import { SkeletonText } from '@livechat/design-system-react-components';
import type { ConversationStatus } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { CustomerWindow } from './customer-window.tsx';
import { OptOutStatus, RestrictionStatus } from './opt-out-status.tsx';

/** What WhatsApp allows now for this customer: an opt-out, a restriction, and the customer's window. */
export function SendWindowStatus({
  status,
  remainingMs,
}: {
  status: { isPending: boolean; isError: boolean; error: unknown; data?: ConversationStatus | undefined; refetch: () => Promise<unknown> };
  remainingMs: number | null;
}) {
  return (
    <section className="wa-section wa-stack wa-stack--tight" aria-label="What WhatsApp allows now">
      {status.isPending ? (
        <SkeletonText width={220} height={16} />
      ) : status.isError || !status.data ? (
        <InlineAlert kind="error" role="alert" onRetry={() => void status.refetch()}>
          Couldn't check the customer's window. {errorMessage(status.error)}
        </InlineAlert>
      ) : (
        <>
          {status.data.optOut && <OptOutStatus optOut={status.data.optOut} />}
          {status.data.restriction && <RestrictionStatus restriction={status.data.restriction} />}
          <CustomerWindow status={status.data} remainingMs={remainingMs} />
        </>
      )}
    </section>
  );
}
