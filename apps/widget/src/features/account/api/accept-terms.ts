import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AccountSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

export function acceptTerms(version: string) {
  const timeZone = browserTimeZone();
  return apiRequest('/api/terms/acceptance', AccountSchema, { method: 'POST', body: { version, ...(timeZone ? { timeZone } : {}) } });
}

/** The owner accepts the terms in force; everything that depended on it (numbers' "can send") is fetched again. */
export function useAcceptTerms() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: acceptTerms,
    onSuccess: (account) => {
      queryClient.setQueryData(queryKeys.account.status, account);
      void queryClient.invalidateQueries({ queryKey: queryKeys.numbers.all });
    },
  });
}
