import { useEffect, useRef } from 'react';
import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { FINAL_MESSAGE_STATUSES, MessagesResponseSchema, type MessagesResponse } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export interface MessagesParams {
  to: string;
  numberId?: string | undefined;
}

/** While a message can still change status, poll this often; stop once every message is final. */
export const MESSAGE_POLL_MS = 1500;

export function getMessages(params: MessagesParams, signal?: AbortSignal) {
  return apiRequest('/api/messages', MessagesResponseSchema, { query: { to: params.to, numberId: params.numberId }, signal });
}

/** TanStack Query's refetchInterval for the history: poll while any message is not final, else stop. */
export function messagesRefetchInterval(data: MessagesResponse | undefined): number | false {
  return data?.messages.some((m) => !FINAL_MESSAGE_STATUSES.includes(m.status)) ? MESSAGE_POLL_MS : false;
}

export function messagesQueryOptions(params: MessagesParams) {
  return queryOptions({
    queryKey: queryKeys.messages.forRecipient(params),
    queryFn: ({ signal }) => getMessages(params, signal),
    refetchInterval: (query) => messagesRefetchInterval(query.state.data),
  });
}

export function useMessages(params: Partial<MessagesParams>) {
  const query = useQuery({
    ...messagesQueryOptions({ to: params.to ?? '', numberId: params.numberId }),
    enabled: Boolean(params.to),
  });
  useRefreshCostsOnFailure(query.data);
  return query;
}

/**
 * A failed opening message gives its conversation back on the server, so when a message turns failed
 * (a status callback, seen by polling) the balance and the cost preview are stale: refetch them.
 */
function useRefreshCostsOnFailure(data: MessagesResponse | undefined) {
  const queryClient = useQueryClient();
  const seenFailed = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!data) return;
    const failed = data.messages.filter((m) => m.status === 'failed' || m.status === 'not_sent').map((m) => m.id);
    const known = seenFailed.current;
    seenFailed.current = new Set(failed);
    if (known && failed.some((id) => !known.has(id))) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.balance });
      void queryClient.invalidateQueries({ queryKey: queryKeys.quotes.all });
    }
  }, [data, queryClient]);
}
