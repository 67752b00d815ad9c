import { useCallback, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ConfirmChargeResponse, LiveChatCharge } from '@wa/contracts';
import { errorMessage } from '../../../lib/api-client.ts';
import { usePaymentModal } from '../../../lib/livechat/payments.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { confirmCharge } from '../api/confirm-charge.ts';

export type CheckoutState =
  | { phase: 'idle' }
  | { phase: 'modal'; description: string }
  | { phase: 'verifying'; description: string }
  | { phase: 'done'; tone: 'success' | 'warning' | 'error'; message: string };

/** The app's icon for LiveChat's payment modal, served with the widget. */
const APP_ICON_URL = new URL(`${import.meta.env.BASE_URL}app-icon.svg`, window.location.href).toString();
const POLL_DELAYS_MS = [300, 500, 800, 1000, 1500, 2000, 2000, 3000, 3000, 5000, 5000, 5000];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function toneOf(r: ConfirmChargeResponse): 'success' | 'warning' | 'error' {
  if (r.outcome === 'credited' || r.outcome === 'active') return 'success';
  return r.outcome === 'processing' ? 'warning' : 'error';
}

/**
 * One purchase, end to end: LiveChat's payment modal for a charge the BFF created, then the BFF's verification
 * (polled while LiveChat is still collecting). The modal's answer only decides the wording: what counts is what
 * the BFF read back from the Billing API.
 */
export function useCheckout() {
  const openModal = usePaymentModal();
  const queryClient = useQueryClient();
  const [state, setState] = useState<CheckoutState>({ phase: 'idle' });

  const pay = useCallback(
    async (charge: LiveChatCharge, description: string) => {
      if (!openModal) {
        setState({
          phase: 'done',
          tone: 'error',
          message: 'Still connecting to LiveChat, so the payment window cannot open. Nothing was charged; try again in a moment.',
        });
        return;
      }
      setState({ phase: 'modal', description });
      const outcome = await openModal(charge, { icon: APP_ICON_URL, description });
      setState({ phase: 'verifying', description });
      let last: ConfirmChargeResponse | null = null;
      try {
        for (const delay of [0, ...POLL_DELAYS_MS]) {
          if (delay) await sleep(delay);
          last = await confirmCharge(charge.id);
          if (last.settled || outcome.kind !== 'accepted') break;
        }
      } catch (error) {
        setState({ phase: 'done', tone: 'error', message: `Couldn't check the payment with LiveChat: ${errorMessage(error)}` });
        return;
      } finally {
        void queryClient.invalidateQueries({ queryKey: queryKeys.billing.all });
        void queryClient.invalidateQueries({ queryKey: queryKeys.numbers.all });
      }
      if (outcome.kind === 'failed' && last && !last.settled) {
        setState({
          phase: 'done',
          tone: 'error',
          message: `LiveChat could not complete the payment (${outcome.error}). Nothing was charged.`,
        });
        return;
      }
      if (last) setState({ phase: 'done', tone: toneOf(last), message: last.message });
    },
    [openModal, queryClient],
  );

  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, pay, reset, busy: state.phase === 'modal' || state.phase === 'verifying', ready: openModal !== null };
}
