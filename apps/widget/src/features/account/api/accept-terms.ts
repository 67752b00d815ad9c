import { AccountSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { useAccountChange } from './get-account.ts';

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
  return useAccountChange(acceptTerms, { queryKey: queryKeys.numbers.all });
}
