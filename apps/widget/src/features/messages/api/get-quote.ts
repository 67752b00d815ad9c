import { useQuery } from '@tanstack/react-query';
import { QuoteSchema, type ConversationCategory } from '@wa/contracts';
import { getQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export interface QuoteParams {
  numberId: string;
  to: string;
  category: ConversationCategory;
}

export function quoteQueryOptions(params: QuoteParams) {
  return getQueryOptions(queryKeys.quotes.one(params), '/api/conversations/quote', QuoteSchema, {
    query: { ...params },
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
