import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { BillsResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { downloadAndSave } from '../../../lib/save-file.ts';

const PAGE_SIZE = 50;

export function getBills(options: { cursor?: string | null; limit?: number; signal?: AbortSignal } = {}) {
  return apiRequest('/api/billing/charges', BillsResponseSchema, {
    signal: options.signal,
    query: { limit: options.limit ?? PAGE_SIZE, cursor: options.cursor },
  });
}

/** Bills a page at a time, newest first; each page continues after the previous one's cursor. */
export function billsQueryOptions() {
  return infiniteQueryOptions({
    queryKey: queryKeys.billing.bills,
    queryFn: ({ signal, pageParam }) => getBills({ cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useBills() {
  return useInfiniteQuery(billsQueryOptions());
}

/** The bills as the BFF's CSV, saved from the iframe (the file sits behind the bearer token). */
export async function downloadBillsCsv(): Promise<string> {
  return downloadAndSave('/api/billing/charges.csv', 'whatsapp-bills.csv');
}
