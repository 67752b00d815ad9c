import { useQuery } from '@tanstack/react-query';
import { LossPreviewSchema } from '@wa/contracts';
import { getQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function lossPreviewQueryOptions() {
  return getQueryOptions(queryKeys.account.lossPreview, '/api/account/loss-preview', LossPreviewSchema, { staleTime: 10_000 });
}

export function useLossPreview(enabled: boolean) {
  return useQuery({ ...lossPreviewQueryOptions(), enabled });
}
