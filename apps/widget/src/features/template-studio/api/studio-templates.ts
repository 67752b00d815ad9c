import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  CreateTemplateResponseSchema,
  StudioTemplatesResponseSchema,
  TemplateSampleResponseSchema,
  TemplateUsageSchema,
  type TemplateDraft,
} from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { useInvalidate } from '../../../lib/use-invalidate.ts';

export function studioTemplatesQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.templateStudio.list,
    queryFn: ({ signal }) => apiRequest('/api/templates', StudioTemplatesResponseSchema, { signal }),
    staleTime: 30_000,
  });
}

export function useStudioTemplates() {
  return useQuery(studioTemplatesQueryOptions());
}

// The sidebar's per-number lists follow.
const useInvalidateTemplates = () => useInvalidate(queryKeys.templateStudio.all, queryKeys.numbers.all);

export function useSyncStudioTemplates() {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateTemplates();
  return useMutation({
    mutationFn: () => apiRequest('/api/templates/sync', StudioTemplatesResponseSchema, { method: 'POST' }),
    onSuccess: (data) => {
      queryClient.setQueryData(queryKeys.templateStudio.list, data);
      invalidate();
    },
  });
}

export function useCreateTemplate() {
  const invalidate = useInvalidateTemplates();
  return useMutation({
    mutationFn: (draft: TemplateDraft) => apiRequest('/api/templates', CreateTemplateResponseSchema, { method: 'POST', body: draft }),
    onSuccess: invalidate,
  });
}

export function useUploadSample() {
  return useMutation({
    mutationFn: ({ numberId, file }: { numberId: string; file: File }) =>
      apiRequest('/api/templates/samples', TemplateSampleResponseSchema, {
        method: 'POST',
        query: { numberId, fileName: file.name },
        body: file,
      }),
  });
}

export function useTemplateUsage(numberId: string, name: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.templateStudio.usage(numberId, name),
    queryFn: ({ signal }) =>
      apiRequest(`/api/templates/${encodeURIComponent(numberId)}/${encodeURIComponent(name)}/usage`, TemplateUsageSchema, { signal }),
    enabled,
    staleTime: 0,
  });
}

export function useDeleteTemplate() {
  const invalidate = useInvalidateTemplates();
  return useMutation({
    mutationFn: ({ numberId, name }: { numberId: string; name: string }) =>
      apiRequest(`/api/templates/${encodeURIComponent(numberId)}/${encodeURIComponent(name)}`, TemplateUsageSchema, { method: 'DELETE' }),
    onSuccess: invalidate,
  });
}
