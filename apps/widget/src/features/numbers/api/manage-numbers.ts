import { queryOptions, useMutation, useQuery } from '@tanstack/react-query';
import {
  CallbackSettingsSchema,
  DisconnectNumberResponseSchema,
  NumberPurchaseResponseSchema,
  type ChoosePlanRequest,
  type ConnectNumberRequest,
} from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { useInvalidate } from '../../../lib/use-invalidate.ts';

/** Records the number and creates its plan's recurrent charge, for LiveChat's payment modal. */
export function connectNumber(input: ConnectNumberRequest) {
  return apiRequest('/api/numbers', NumberPurchaseResponseSchema, { method: 'POST', body: input });
}

export function choosePlan(numberId: string, input: ChoosePlanRequest) {
  return apiRequest(`/api/numbers/${encodeURIComponent(numberId)}/plan`, NumberPurchaseResponseSchema, { method: 'POST', body: input });
}

export function disconnectNumber(numberId: string) {
  return apiRequest(`/api/numbers/${encodeURIComponent(numberId)}`, DisconnectNumberResponseSchema, { method: 'DELETE' });
}

/** A number's plan is a charge: the bills follow. */
const useInvalidateNumbers = () => useInvalidate(queryKeys.numbers.all, queryKeys.billing.bills);

export function useConnectNumber() {
  const invalidate = useInvalidateNumbers();
  return useMutation({ mutationFn: connectNumber, onSettled: invalidate });
}

export function useChoosePlan() {
  const invalidate = useInvalidateNumbers();
  return useMutation({
    mutationFn: ({ numberId, ...input }: { numberId: string } & ChoosePlanRequest) => choosePlan(numberId, input),
    onSettled: invalidate,
  });
}

export function useDisconnectNumber() {
  const invalidate = useInvalidateNumbers();
  return useMutation({ mutationFn: disconnectNumber, onSettled: invalidate });
}

export function callbackSettingsQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.callbackSettings,
    queryFn: ({ signal }) => apiRequest('/api/numbers/callback-settings', CallbackSettingsSchema, { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useCallbackSettings(enabled: boolean) {
  return useQuery({ ...callbackSettingsQueryOptions(), enabled });
}
