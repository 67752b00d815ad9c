import { useEffect, useRef } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { FINAL_MESSAGE_STATUSES, MessagesResponseSchema, type MessagesResponse } from '@wa/contracts';
import { pagedQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export interface MessagesParams {
  to: string;
  numberId?: string | undefined;
}

/** While a message can still change status, poll this often; stop once every message is final. */
export const MESSAGE_POLL_MS = 1500;

/** The sidebar is narrow: a short page, older messages on "Load more". */
export const MESSAGES_PAGE_SIZE = 20;

/** TanStack Query's refetchInterval for the history: poll while any message shown is not final, else stop. */
export function messagesRefetchInterval(data: Pick<MessagesResponse, 'messages'> | undefined): number | false {
  return data?.messages.some((m) => !FINAL_MESSAGE_STATUSES.includes(m.status)) ? MESSAGE_POLL_MS : false;
}

/** Every page loaded so far, newest first. */
const loaded = (data: { pages: MessagesResponse[] } | undefined) =>
  data ? { messages: data.pages.flatMap((p) => p.messages) } : undefined;

export function messagesQueryOptions(params: MessagesParams) {
  return pagedQueryOptions(
    queryKeys.messages.forRecipient(params),
    '/api/messages',
    MessagesResponseSchema,
    { to: params.to, numberId: params.numberId, limit: MESSAGES_PAGE_SIZE },
    { refetchInterval: (query) => messagesRefetchInterval(loaded(query.state.data)) },
  );
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
