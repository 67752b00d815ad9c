import { queryOptions, useQuery } from '@tanstack/react-query';
import { CatalogSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';

/** Plans and packages with their prices: configuration on the BFF, never hard-coded here (F.1). */
export function getCatalog(signal?: AbortSignal) {
  return apiRequest('/api/catalog', CatalogSchema, { signal });
}

export function catalogQueryOptions() {
  return queryOptions({ queryKey: queryKeys.billing.catalog, queryFn: ({ signal }) => getCatalog(signal), staleTime: 10 * 60_000 });
}

export function useCatalog() {
  return useQuery(catalogQueryOptions());
}
