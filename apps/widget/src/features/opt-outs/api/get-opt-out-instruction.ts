import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { OptOutInstructionSchema, type UpdateOptOutInstructionRequest } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { getQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

const path = (numberId: string) => `/api/numbers/${encodeURIComponent(numberId)}/opt-out-instruction`;

export function optOutInstructionQueryOptions(numberId: string) {
  return getQueryOptions(queryKeys.optOuts.instruction(numberId), path(numberId), OptOutInstructionSchema, { staleTime: 60_000 });
}

/** How a number's marketing templates carry the opt-out instruction (and which templates are its copies). */
export function useOptOutInstruction(numberId: string | null) {
  return useQuery({ ...optOutInstructionQueryOptions(numberId ?? ''), enabled: numberId !== null });
}

export function useUpdateOptOutInstruction(numberId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateOptOutInstructionRequest) => apiRequest(path(numberId), OptOutInstructionSchema, { method: 'PUT', body }),
    onSuccess: (data) => {
      queryClient.setQueryData(queryKeys.optOuts.instruction(numberId), data);
      // Turning it on submits copies of templates and syncs them.
      void queryClient.invalidateQueries({ queryKey: queryKeys.numbers.templates(numberId) });
    },
  });
}
