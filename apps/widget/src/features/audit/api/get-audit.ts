import { useInfiniteQuery } from '@tanstack/react-query';
import { AuditResponseSchema } from '@wa/contracts';
import { pagedQueryOptions } from '../../../lib/api-query.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { downloadAndSave } from '../../../lib/save-file.ts';

const PAGE_SIZE = 100;

/** The log a page at a time, newest first. */
export function auditQueryOptions() {
  return pagedQueryOptions(queryKeys.audit, '/api/audit', AuditResponseSchema, { limit: PAGE_SIZE }, { staleTime: 5_000 });
}

export function useAudit() {
  return useInfiniteQuery(auditQueryOptions());
}

/** The whole log as the BFF's CSV, saved from the iframe (it sits behind the bearer token). */
export async function downloadAuditCsv(): Promise<string> {
  return downloadAndSave('/api/audit.csv', 'whatsapp-audit.csv');
}
