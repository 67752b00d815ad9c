import {
  infiniteQueryOptions,
  queryOptions,
  type InfiniteData,
  type QueryKey,
  type UseInfiniteQueryOptions,
  type UseQueryOptions,
} from '@tanstack/react-query';
import type { z } from 'zod';
import { apiRequest, type QueryValue } from './api-client.ts';

type Query = Record<string, QueryValue>;

/** A GET of the BFF as TanStack query options: its answer parsed with the contract's schema. */
export function getQueryOptions<S extends z.ZodType, K extends QueryKey>(
  queryKey: K,
  path: string,
  schema: S,
  { query, ...options }: { query?: Query } & Omit<UseQueryOptions<z.output<S>, Error, z.output<S>, K>, 'queryKey' | 'queryFn'> = {},
) {
  return queryOptions({ queryKey, queryFn: ({ signal }) => apiRequest(path, schema, { signal, query }), ...options });
}

/**
 * A list the BFF serves a page at a time: each page continues after the previous one's `nextCursor`, sent as
 * `cursor` after the list's own query.
 */
export function pagedQueryOptions<S extends z.ZodType<{ nextCursor: string | null }>, K extends QueryKey>(
  queryKey: K,
  path: string,
  schema: S,
  query: Query,
  options: Pick<
    UseInfiniteQueryOptions<z.output<S>, Error, InfiniteData<z.output<S>>, K, string | null>,
    'refetchInterval' | 'placeholderData' | 'staleTime'
  > = {},
) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ signal, pageParam }) => apiRequest(path, schema, { signal, query: { ...query, cursor: pageParam } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last: z.output<S>) => last.nextCursor,
    ...options,
  });
}
