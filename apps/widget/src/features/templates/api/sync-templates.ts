import { useMutation, useQueryClient } from '@tanstack/react-query';
import { TemplatesResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function syncTemplates(numberId: string) {
  return apiRequest(`/api/numbers/${encodeURIComponent(numberId)}/templates/sync`, TemplatesResponseSchema, {
    method: 'POST',
  });
}

export function useSyncTemplates(numberId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => {
      if (!numberId) throw new Error('No number selected');
      return syncTemplates(numberId);
    },
    onSuccess: (data) => {
      if (!numberId) return;
      queryClient.setQueryData(queryKeys.numbers.templates(numberId), data);
      // Which marketing templates carry the opt-out instruction depends on the synced list.
      void queryClient.invalidateQueries({ queryKey: queryKeys.optOuts.instruction(numberId) });
    },
  });
}
