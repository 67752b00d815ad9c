import { queryOptions, useQuery } from '@tanstack/react-query';
import { QuoteSchema, type ConversationCategory } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export interface QuoteParams {
  numberId: string;
  to: string;
  category: ConversationCategory;
}

export function getQuote(params: QuoteParams, signal?: AbortSignal) {
  return apiRequest('/api/conversations/quote', QuoteSchema, { query: { ...params }, signal });
}

export function quoteQueryOptions(params: QuoteParams) {
  return queryOptions({
    queryKey: queryKeys.quotes.one(params),
    queryFn: ({ signal }) => getQuote(params, signal),
    staleTime: 15_000,
  });
}

/** The quote for the current form, or an idle query while something it needs is missing. */
export function useQuote(params: Partial<QuoteParams>) {
  const { numberId, to, category } = params;
  const ready = Boolean(numberId && to && category);
  return useQuery({
    ...quoteQueryOptions({ numberId: numberId ?? '', to: to ?? '', category: category ?? 'utility' }),
    enabled: ready,
  });
}
