import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { LedgerResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { downloadAndSave } from '../../../lib/save-file.ts';

const PAGE_SIZE = 50;

export function getLedger(options: { cursor?: string | null; limit?: number; signal?: AbortSignal } = {}) {
  return apiRequest('/api/ledger', LedgerResponseSchema, {
    signal: options.signal,
    query: { limit: options.limit ?? PAGE_SIZE, cursor: options.cursor },
  });
}

/** The ledger a page at a time, newest first; each page continues after the previous one's cursor. */
export function ledgerQueryOptions() {
  return infiniteQueryOptions({
    queryKey: queryKeys.billing.ledger,
    queryFn: ({ signal, pageParam }) => getLedger({ cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useLedger() {
  return useInfiniteQuery(ledgerQueryOptions());
}

/** Every movement as the BFF's CSV (streamed from the server), saved from the iframe. */
export async function downloadLedgerCsv(): Promise<string> {
  return downloadAndSave('/api/ledger.csv', 'whatsapp-ledger.csv');
}
