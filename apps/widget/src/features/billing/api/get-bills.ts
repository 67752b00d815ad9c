import { useInfiniteQuery } from '@tanstack/react-query';
import { BillsResponseSchema } from '@wa/contracts';
import { pagedQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { downloadAndSave } from '../../../lib/save-file.ts';

const PAGE_SIZE = 50;

/** Bills a page at a time, newest first. */
export function useBills() {
  return useInfiniteQuery(pagedQueryOptions(queryKeys.billing.bills, '/api/billing/charges', BillsResponseSchema, { limit: PAGE_SIZE }));
}

/** The bills as the BFF's CSV, saved from the iframe (the file sits behind the bearer token). */
export async function downloadBillsCsv(): Promise<string> {
  return downloadAndSave('/api/billing/charges.csv', 'whatsapp-bills.csv');
}
