import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { AuditResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { downloadAndSave } from '../../../lib/save-file.ts';

const PAGE_SIZE = 100;

export function getAudit(options: { cursor?: string | null; limit?: number; signal?: AbortSignal } = {}) {
  return apiRequest('/api/audit', AuditResponseSchema, {
    signal: options.signal,
    query: { limit: options.limit ?? PAGE_SIZE, cursor: options.cursor },
  });
}

/** The log a page at a time, newest first; each page continues after the previous one's cursor. */
export function auditQueryOptions() {
  return infiniteQueryOptions({
    queryKey: queryKeys.audit,
    queryFn: ({ signal, pageParam }) => getAudit({ cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 5_000,
  });
}

export function useAudit() {
  return useInfiniteQuery(auditQueryOptions());
}

/** The whole log as the BFF's CSV, saved from the iframe (it sits behind the bearer token). */
export async function downloadAuditCsv(): Promise<string> {
  return downloadAndSave('/api/audit.csv', 'whatsapp-audit.csv');
}
