import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  AddOptOutResponseSchema,
  ImportOptOutsResponseSchema,
  OptOutsResponseSchema,
  RemoveOptOutResponseSchema,
  type AddOptOutRequest,
  type ImportOptOutsRequest,
} from '@wa/contracts';
import { apiDownload, apiRequest } from '../../../lib/api-client.ts';
import { pagedQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export interface OptOutsParams {
  q: string;
  limit: number;
}

/** The list for one search, a page at a time, newest first; each page continues after the previous one's cursor. */
export function optOutsQueryOptions(params: OptOutsParams) {
  return pagedQueryOptions(
    queryKeys.optOuts.pages(params),
    '/api/opt-outs',
    OptOutsResponseSchema,
    { q: params.q || undefined, limit: params.limit },
    // Keep showing the last result while the next search runs, instead of flashing a loader per keystroke.
    { placeholderData: keepPreviousData },
  );
}

export function useOptOuts(params: OptOutsParams) {
  return useInfiniteQuery(optOutsQueryOptions(params));
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

/** The whole list as CSV, streamed by the BFF page by page, with the name the server gave it. */
export async function exportOptOuts(): Promise<{ blob: Blob; filename: string }> {
  const { blob, filename } = await apiDownload('/api/opt-outs.csv');
  return { blob, filename: filename ?? 'whatsapp-opt-outs.csv' };
}
