import { useQuery } from '@tanstack/react-query';
import { BalanceSchema } from '@wa/contracts';
import { getQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

export function balanceQueryOptions() {
  return getQueryOptions(queryKeys.balance, '/api/balance', BalanceSchema, {
    staleTime: 30_000,
    // Other agents and campaigns spend from the same balance.
    refetchInterval: 30_000,
  });
}

export function useBalance() {
  return useQuery(balanceQueryOptions());
}
