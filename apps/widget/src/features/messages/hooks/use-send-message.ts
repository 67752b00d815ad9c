import { useRef } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ErrorCode, type SendMessageRequest, type SendMessageResponse } from '@wa/contracts';
import { ApiError, isRetryable, NetworkError } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { randomUuid } from '../../../lib/uuid.ts';
import { sendMessage } from '../api/send-message.ts';

type WithoutRef<T> = T extends unknown ? Omit<T, 'clientRef'> : never;
/** A template or (inside the customer's window) free text, without the idempotency key this hook adds. */
export type SendInput = WithoutRef<SendMessageRequest>;

export interface UseSendMessageOptions<I extends SendInput> {
  /** Runs on success even if the form has unmounted meanwhile (the agent switched chats). */
  onSent?: (data: SendMessageResponse, input: I) => void;
}

/**
 * Sends a message. Each attempt carries a client-generated idempotency key (clientRef). When an attempt ends
 * without a definite answer (network error, 5xx), the BFF may or may not have sent it, so a retry of the very
 * same request reuses the key and can never send twice. A definite answer (success or a 4xx refusal) ends the
 * attempt; the next send gets a new key.
 */
export function useSendMessage<I extends SendInput = SendInput>({ onSent }: UseSendMessageOptions<I> = {}) {
  const queryClient = useQueryClient();
  const attempt = useRef<{ fingerprint: string; clientRef: string } | null>(null);

  return useMutation({
    mutationFn: (input: I) => {
      const fingerprint = JSON.stringify(input);
      if (attempt.current?.fingerprint !== fingerprint) attempt.current = { fingerprint, clientRef: randomUuid() };
      return sendMessage({ ...input, clientRef: attempt.current.clientRef } as SendMessageRequest);
    },
    // Safe thanks to the idempotency key: a lost connection is retried quietly, with the same key.
    retry: (failures, error) => error instanceof NetworkError && failures < 2,
    retryDelay: (failures) => Math.min(500 * 2 ** failures, 4000),
    onSuccess: (data, input) => {
      attempt.current = null;
      queryClient.setQueryData(queryKeys.balance, data.balance);
      onSent?.(data, input);
    },
    onError: (error) => {
      // A provider refusal is a definite answer too: the BFF recorded the message as failed, so sending
      // again is a new message (a new key), not a replay that would only return the failed one.
      if (!isRetryable(error) || (error instanceof ApiError && error.code === ErrorCode.providerError)) attempt.current = null;
    },
    // Also after a refusal: "no balance", "window closed" or "opted out" means what we showed was stale. Not
    // awaited, so the result shows at once.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.balance });
      void queryClient.invalidateQueries({ queryKey: queryKeys.quotes.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.messages.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversationStatus.all });
    },
  });
}
