import { useMutation, useQueryClient } from '@tanstack/react-query';
import { BalanceSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function setLowBalanceThreshold(threshold: number | null) {
  return apiRequest('/api/balance/low-balance-threshold', BalanceSchema, { method: 'PUT', body: { threshold } });
}

export function useSetLowBalanceThreshold() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setLowBalanceThreshold,
    onSuccess: (balance) => {
      queryClient.setQueryData(queryKeys.balance, balance);
      void queryClient.invalidateQueries({ queryKey: queryKeys.billing.ledger });
    },
  });
}
