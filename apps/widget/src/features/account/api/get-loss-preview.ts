import { queryOptions, useQuery } from '@tanstack/react-query';
import { LossPreviewSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function getLossPreview(signal?: AbortSignal) {
  return apiRequest('/api/account/loss-preview', LossPreviewSchema, { signal });
}

export function lossPreviewQueryOptions() {
  return queryOptions({ queryKey: queryKeys.account.lossPreview, queryFn: ({ signal }) => getLossPreview(signal), staleTime: 10_000 });
}

export function useLossPreview(enabled: boolean) {
  return useQuery({ ...lossPreviewQueryOptions(), enabled });
}
