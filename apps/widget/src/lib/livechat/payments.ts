import { useCallback } from 'react';
import type { Charge, Metadata, TransactionError, TransactionEvent } from '@livechat/agent-app-sdk';
import { useLiveChatWidget } from './hooks.tsx';
import type { LiveChatWidget } from './types.ts';

/** How LiveChat's payment modal ended. `failed` carries the host's error in words. */
export type TransactionOutcome =
  { kind: 'accepted'; chargeId: string } | { kind: 'declined'; chargeId: string } | { kind: 'failed'; error: string };

interface PaymentsSurface {
  on(event: string, handler: (data: never) => void): void;
  off(event: string, handler: (data: never) => void): void;
  startTransaction(charge: Charge, metadata: Metadata): void;
}

function describe(error: unknown): string {
  if (typeof error === 'string' && error) return error;
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return 'LiveChat could not start the payment';
}

/**
 * Opens LiveChat's payment modal for a charge the BFF created (the SDK's `startTransaction`) and resolves with
 * how the owner answered. The answer is only news: the BFF re-checks the charge with LiveChat before it counts.
 * Null until the Agent App has answered the handshake.
 */
export function usePaymentModal(): ((charge: { id: string }, metadata: Metadata) => Promise<TransactionOutcome>) | null {
  const { widget } = useLiveChatWidget();
  const open = useCallback(
    (w: LiveChatWidget, charge: { id: string }, metadata: Metadata) =>
      new Promise<TransactionOutcome>((resolve) => {
        const s = w as unknown as PaymentsSurface;
        const accepted = (e: TransactionEvent) => e?.chargeId === charge.id && finish({ kind: 'accepted', chargeId: charge.id });
        const declined = (e: TransactionEvent) => e?.chargeId === charge.id && finish({ kind: 'declined', chargeId: charge.id });
        // `transaction_failed` names no charge; only one payment runs at a time in this app.
        const failed = (e: TransactionError) => finish({ kind: 'failed', error: describe(e?.error) });
        const handlers: [string, (data: never) => void][] = [
          ['transaction_accepted', accepted as (data: never) => void],
          ['transaction_declined', declined as (data: never) => void],
          ['transaction_failed', failed as (data: never) => void],
        ];
        function finish(outcome: TransactionOutcome) {
          for (const [name, h] of handlers) s.off(name, h);
          resolve(outcome);
        }
        for (const [name, h] of handlers) s.on(name, h);
        try {
          // The SDK reads the Billing API's charge object as it is; the BFF passes it through untouched.
          s.startTransaction(charge as unknown as Charge, metadata);
        } catch (error) {
          finish({ kind: 'failed', error: describe(error) });
        }
      }),
    [],
  );
  return widget ? (charge, metadata) => open(widget, charge, metadata) : null;
}
