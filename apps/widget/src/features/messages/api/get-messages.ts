import { useEffect, useRef } from 'react';
import { infiniteQueryOptions, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { FINAL_MESSAGE_STATUSES, MessagesResponseSchema, type MessagesResponse } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export interface MessagesParams {
  to: string;
  numberId?: string | undefined;
}

/** While a message can still change status, poll this often; stop once every message is final. */
export const MESSAGE_POLL_MS = 1500;

/** The sidebar is narrow: a short page, older messages on "Load more". */
export const MESSAGES_PAGE_SIZE = 20;

export function getMessages(params: MessagesParams & { cursor?: string | null; limit?: number }, signal?: AbortSignal) {
  return apiRequest('/api/messages', MessagesResponseSchema, {
    query: { to: params.to, numberId: params.numberId, limit: params.limit ?? MESSAGES_PAGE_SIZE, cursor: params.cursor },
    signal,
  });
}

/** TanStack Query's refetchInterval for the history: poll while any message shown is not final, else stop. */
export function messagesRefetchInterval(data: Pick<MessagesResponse, 'messages'> | undefined): number | false {
  return data?.messages.some((m) => !FINAL_MESSAGE_STATUSES.includes(m.status)) ? MESSAGE_POLL_MS : false;
}

/** Every page loaded so far, newest first. */
const loaded = (data: { pages: MessagesResponse[] } | undefined) =>
  data ? { messages: data.pages.flatMap((p) => p.messages) } : undefined;

export function messagesQueryOptions(params: MessagesParams) {
  return infiniteQueryOptions({
    queryKey: queryKeys.messages.forRecipient(params),
    queryFn: ({ signal, pageParam }) => getMessages({ ...params, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) => messagesRefetchInterval(loaded(query.state.data)),
  });
}

export function useMessages(params: Partial<MessagesParams>) {
  const query = useInfiniteQuery({
    ...messagesQueryOptions({ to: params.to ?? '', numberId: params.numberId }),
    enabled: Boolean(params.to),
  });
  useRefreshCostsOnFailure(loaded(query.data));
  return query;
}

/**
 * A failed opening message gives its conversation back on the server, so when a message turns failed
 * (a status callback, seen by polling) the balance and the cost preview are stale: refetch them.
 */
function useRefreshCostsOnFailure(data: Pick<MessagesResponse, 'messages'> | undefined) {
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
