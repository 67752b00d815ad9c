import { useInfiniteQuery } from '@tanstack/react-query';
import { LedgerResponseSchema } from '@wa/contracts';
import { pagedQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { downloadAndSave } from '../../../lib/save-file.ts';

const PAGE_SIZE = 50;

/** The ledger a page at a time, newest first. */
export function useLedger() {
  return useInfiniteQuery(pagedQueryOptions(queryKeys.billing.ledger, '/api/ledger', LedgerResponseSchema, { limit: PAGE_SIZE }));
}

/** Every movement as the BFF's CSV (streamed from the server), saved from the iframe. */
export async function downloadLedgerCsv(): Promise<string> {
  return downloadAndSave('/api/ledger.csv', 'whatsapp-ledger.csv');
}
