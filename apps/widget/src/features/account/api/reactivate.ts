import { AccountSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { useAccountChange } from './get-account.ts';

export function reactivate() {
  return apiRequest('/api/account/reactivate', AccountSchema, { method: 'POST' });
}

/** After an uninstall, the owner starts the app again from zero (when LiveChat's install notice did not reach us). */
export function useReactivate() {
  return useAccountChange(reactivate, {});
}
