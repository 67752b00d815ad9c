import { queryOptions, useQuery } from '@tanstack/react-query';
import { TemplatesResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function getTemplates(numberId: string, signal?: AbortSignal) {
  return apiRequest(`/api/numbers/${encodeURIComponent(numberId)}/templates`, TemplatesResponseSchema, { signal });
}

export function templatesQueryOptions(numberId: string) {
  return queryOptions({
    queryKey: queryKeys.numbers.templates(numberId),
    queryFn: ({ signal }) => getTemplates(numberId, signal),
    staleTime: 60_000,
  });
}

export function useTemplates(numberId: string | null) {
  return useQuery({ ...templatesQueryOptions(numberId ?? ''), enabled: numberId !== null });
}
