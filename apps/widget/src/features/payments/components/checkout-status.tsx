import { Loader, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import type { CheckoutState } from '../hooks/use-checkout.ts';

/** Where a purchase stands: waiting for the owner in LiveChat's window, verifying, or the result and why. */
export function CheckoutStatus({ state, onDismiss }: { state: CheckoutState; onDismiss?: () => void }) {
  if (state.phase === 'idle') return null;
  if (state.phase === 'modal' || state.phase === 'verifying') {
    return (
      <div className="wa-row wa-checkout" role="status" data-testid="checkout-status" data-phase={state.phase}>
        <Loader size="small" />
        <Text size="sm">
          {state.phase === 'modal'
            ? `Confirm “${state.description}” in the LiveChat payment window…`
            : 'Checking the payment with LiveChat…'}
        </Text>
      </div>
    );
  }
  return (
    <div data-testid="checkout-status" data-phase="done" data-tone={state.tone}>
      <InlineAlert
        kind={state.tone === 'success' ? 'success' : state.tone === 'warning' ? 'warning' : 'error'}
        role={state.tone === 'error' ? 'alert' : 'status'}
        {...(onDismiss ? { onClose: onDismiss } : {})}
      >
        {state.message}
      </InlineAlert>
    </div>
  );
}
