import { useQuery } from '@tanstack/react-query';
import { MeResponseSchema } from '@wa/contracts';
import { getQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function meQueryOptions() {
  return getQueryOptions(queryKeys.me, '/api/me', MeResponseSchema, { staleTime: 5 * 60_000 });
}

export function useMe() {
  return useQuery(meQueryOptions());
}
