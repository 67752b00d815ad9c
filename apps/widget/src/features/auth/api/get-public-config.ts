import { queryOptions } from '@tanstack/react-query';
import { PublicConfigSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function getPublicConfig(signal?: AbortSignal) {
  return apiRequest('/api/public-config', PublicConfigSchema, { auth: false, signal });
}

export function publicConfigQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.publicConfig,
    queryFn: ({ signal }) => getPublicConfig(signal),
    staleTime: Infinity,
  });
}
