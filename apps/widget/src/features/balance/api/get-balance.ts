import { queryOptions, useQuery } from '@tanstack/react-query';
import { BalanceSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function getBalance(signal?: AbortSignal) {
  return apiRequest('/api/balance', BalanceSchema, { signal });
}

export function balanceQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.balance,
    queryFn: ({ signal }) => getBalance(signal),
    staleTime: 30_000,
    // Other agents and campaigns spend from the same balance.
    refetchInterval: 30_000,
  });
}

export function useBalance() {
  return useQuery(balanceQueryOptions());
}
