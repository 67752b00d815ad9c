import { queryOptions, useQuery } from '@tanstack/react-query';
import { AccountSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function getAccount(signal?: AbortSignal) {
  return apiRequest('/api/account', AccountSchema, { signal });
}

export function accountQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.account.status,
    queryFn: ({ signal }) => getAccount(signal),
    staleTime: 10_000,
    // An operator may suspend or restore the business, or the owner accept the terms, at any moment.
    refetchInterval: 15_000,
  });
}

export function useAccount() {
  return useQuery(accountQueryOptions());
}
