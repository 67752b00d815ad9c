import { useQuery } from '@tanstack/react-query';
import { TemplatesResponseSchema } from '@wa/contracts';
import { getQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function templatesQueryOptions(numberId: string) {
  return getQueryOptions(
    queryKeys.numbers.templates(numberId),
    `/api/numbers/${encodeURIComponent(numberId)}/templates`,
    TemplatesResponseSchema,
    {
      staleTime: 60_000,
    },
  );
}

export function useTemplates(numberId: string | null) {
  return useQuery({ ...templatesQueryOptions(numberId ?? ''), enabled: numberId !== null });
}
