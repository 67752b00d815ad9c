import { queryOptions, useQuery } from '@tanstack/react-query';
import { UsageSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

const viewerTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function getUsage(days: number, tz: string, signal?: AbortSignal) {
  return apiRequest('/api/billing/usage', UsageSchema, { query: { days, tz }, signal });
}

export function usageQueryOptions(days: number, tz = viewerTimeZone()) {
  return queryOptions({
    queryKey: queryKeys.billing.usage({ days, tz }),
    queryFn: ({ signal }) => getUsage(days, tz, signal),
    staleTime: 60_000,
  });
}

export function useUsage(days: number) {
  return useQuery(usageQueryOptions(days));
}
