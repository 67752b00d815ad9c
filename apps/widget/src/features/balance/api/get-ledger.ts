import { queryOptions, useQuery } from '@tanstack/react-query';
import { LedgerResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function getLedger(signal?: AbortSignal) {
  return apiRequest('/api/ledger', LedgerResponseSchema, { signal });
}

export function ledgerQueryOptions() {
  return queryOptions({ queryKey: queryKeys.billing.ledger, queryFn: ({ signal }) => getLedger(signal) });
}

export function useLedger() {
  return useQuery(ledgerQueryOptions());
}
