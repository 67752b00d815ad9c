import { useMutation } from '@tanstack/react-query';
import { PurchaseResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';

/** Creates the package's direct charge on the BFF; only the package id goes up, the price comes from the catalog. */
export function buyPackage(packageId: string) {
  return apiRequest('/api/billing/packages', PurchaseResponseSchema, { method: 'POST', body: { packageId } });
}

export function useBuyPackage() {
  return useMutation({ mutationFn: buyPackage });
}
