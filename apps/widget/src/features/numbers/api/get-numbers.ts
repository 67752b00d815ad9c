import { queryOptions, useQuery } from '@tanstack/react-query';
import { NumbersResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function getNumbers(signal?: AbortSignal) {
  return apiRequest('/api/numbers', NumbersResponseSchema, { signal });
}

export function numbersQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.numbers.list(),
    queryFn: ({ signal }) => getNumbers(signal),
    staleTime: 60_000,
    select: (data) => data.numbers,
  });
}

/** `refetchInterval` where plan statuses should follow LiveChat billing on their own (the Numbers tab). */
export function useNumbers(options: { refetchInterval?: number } = {}) {
  return useQuery({ ...numbersQueryOptions(), ...options });
}
