import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AccountSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function reactivate() {
  return apiRequest('/api/account/reactivate', AccountSchema, { method: 'POST' });
}

/** After an uninstall, the owner starts the app again from zero (when LiveChat's install notice did not reach us). */
export function useReactivate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: reactivate,
    onSuccess: (account) => {
      queryClient.setQueryData(queryKeys.account.status, account);
      void queryClient.invalidateQueries();
    },
  });
}
