import { queryOptions, useQuery } from '@tanstack/react-query';
import { RefundsResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function getRefunds(signal?: AbortSignal) {
  return apiRequest('/api/refunds', RefundsResponseSchema, { signal });
}

export function refundsQueryOptions() {
  // An operator reviews requests meanwhile: the owner sees approved, refused or paid without reloading.
  return queryOptions({ queryKey: queryKeys.refunds, queryFn: ({ signal }) => getRefunds(signal), refetchInterval: 10_000 });
}

export function useRefunds() {
  return useQuery(refundsQueryOptions());
}
