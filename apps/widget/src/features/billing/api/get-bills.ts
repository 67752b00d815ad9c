import { queryOptions, useQuery } from '@tanstack/react-query';
import { BillsResponseSchema } from '@wa/contracts';
import { apiDownload, apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { saveFile } from '../../../lib/save-file.ts';

export function getBills(signal?: AbortSignal) {
  return apiRequest('/api/billing/charges', BillsResponseSchema, { signal });
}

export function billsQueryOptions() {
  return queryOptions({ queryKey: queryKeys.billing.bills, queryFn: ({ signal }) => getBills(signal), select: (d) => d.bills });
}

export function useBills() {
  return useQuery(billsQueryOptions());
}

/** The bills as the BFF's CSV, saved from the iframe (the file sits behind the bearer token). */
export async function downloadBillsCsv(): Promise<string> {
  const { blob, filename } = await apiDownload('/api/billing/charges.csv');
  const name = filename ?? 'whatsapp-bills.csv';
  saveFile(blob, name);
  return name;
}
