import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  AddOptOutResponseSchema,
  ExportOptOutsResponseSchema,
  ImportOptOutsResponseSchema,
  OptOutsResponseSchema,
  RemoveOptOutResponseSchema,
  type AddOptOutRequest,
  type ImportOptOutsRequest,
} from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export interface OptOutsParams {
  q: string;
  offset: number;
  limit: number;
}

export function getOptOuts(params: OptOutsParams, signal?: AbortSignal) {
  return apiRequest('/api/opt-outs', OptOutsResponseSchema, {
    query: { q: params.q || undefined, offset: params.offset, limit: params.limit },
    signal,
  });
}

export function optOutsQueryOptions(params: OptOutsParams) {
  return queryOptions({
    queryKey: queryKeys.optOuts.list(params),
    queryFn: ({ signal }) => getOptOuts(params, signal),
    // Keep showing the last page while the next search runs, instead of flashing a loader per keystroke.
    placeholderData: keepPreviousData,
  });
}

export function useOptOuts(params: OptOutsParams) {
  return useQuery(optOutsQueryOptions(params));
}

function useInvalidateOptOuts() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.optOuts.all });
}

export function useAddOptOut() {
  const invalidate = useInvalidateOptOuts();
  return useMutation({
    mutationFn: (body: AddOptOutRequest) => apiRequest('/api/opt-outs', AddOptOutResponseSchema, { method: 'POST', body }),
    onSuccess: () => invalidate(),
  });
}

export function useRemoveOptOut() {
  const invalidate = useInvalidateOptOuts();
  return useMutation({
    mutationFn: (recipient: string) =>
      apiRequest(`/api/opt-outs/${encodeURIComponent(recipient)}`, RemoveOptOutResponseSchema, { method: 'DELETE' }),
    onSuccess: () => invalidate(),
  });
}

export function useImportOptOuts() {
  const invalidate = useInvalidateOptOuts();
  return useMutation({
    mutationFn: (body: ImportOptOutsRequest) => apiRequest('/api/opt-outs/import', ImportOptOutsResponseSchema, { method: 'POST', body }),
    onSuccess: (data) => {
      if (data.imported) void invalidate();
    },
  });
}

export function exportOptOuts() {
  return apiRequest('/api/opt-outs/export', ExportOptOutsResponseSchema);
}
