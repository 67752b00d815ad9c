import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BusinessContactResponseSchema, DataDeletionSchema, type BusinessContactInput } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

/** L.11a: the business's contact data (with a suggestion from the LiveChat account while nothing is saved). */
export function contactQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.business.contact,
    queryFn: ({ signal }) => apiRequest('/api/account/contact', BusinessContactResponseSchema, { signal }),
  });
}

export function useBusinessContact() {
  return useQuery(contactQueryOptions());
}

/** L.11b: correct it. */
export function useSaveBusinessContact() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BusinessContactInput) => apiRequest('/api/account/contact', BusinessContactResponseSchema, { method: 'PUT', body }),
    onSuccess: (data) => client.setQueryData(queryKeys.business.contact, data),
  });
}

/** L.11b: whether the business asked to delete its data after uninstalling, and what is kept. */
export function useDataDeletion(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.business.deletion,
    queryFn: ({ signal }) => apiRequest('/api/account/data-deletion', DataDeletionSchema, { signal }),
    enabled,
    // A requested deletion runs when the app is uninstalled: follow it until done.
    refetchInterval: (q) => (q.state.data?.status === 'requested' ? 5_000 : false),
  });
}

export function useDataDeletionRequest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: 'request' | 'withdraw') =>
      apiRequest('/api/account/data-deletion', DataDeletionSchema, { method: action === 'request' ? 'POST' : 'DELETE' }),
    onSuccess: (data) => client.setQueryData(queryKeys.business.deletion, data),
  });
}
