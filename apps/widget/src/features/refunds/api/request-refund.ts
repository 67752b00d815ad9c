import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RefundResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function requestRefund(chargeId: string) {
  return apiRequest('/api/refunds', RefundResponseSchema, { method: 'POST', body: { chargeId } });
}

export function useRequestRefund() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: requestRefund,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.refunds }),
  });
}
