import { useMutation, useQuery, useQueryClient, type InvalidateQueryFilters } from '@tanstack/react-query';
import { AccountSchema, type Account } from '@wa/contracts';
import { getQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function accountQueryOptions() {
  return getQueryOptions(queryKeys.account.status, '/api/account', AccountSchema, {
    staleTime: 10_000,
    // An operator may suspend or restore the business, or the owner accept the terms, at any moment.
    refetchInterval: 15_000,
  });
}

export function useAccount() {
  return useQuery(accountQueryOptions());
}

/** A change to the account: it answers with the account as it now stands, and what depended on it is fetched again. */
export function useAccountChange<V>(mutationFn: (variables: V) => Promise<Account>, dependents: InvalidateQueryFilters) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (account) => {
      queryClient.setQueryData(queryKeys.account.status, account);
      void queryClient.invalidateQueries(dependents);
    },
  });
}
