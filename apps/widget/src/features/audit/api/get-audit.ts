import { queryOptions, useQuery } from '@tanstack/react-query';
import { AuditResponseSchema } from '@wa/contracts';
import { apiDownload, apiRequest } from '../../../lib/api-client.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { saveFile } from '../../../lib/save-file.ts';

export function getAudit(signal?: AbortSignal) {
  return apiRequest('/api/audit', AuditResponseSchema, { signal, query: { limit: 200 } });
}

export function auditQueryOptions() {
  return queryOptions({ queryKey: queryKeys.audit, queryFn: ({ signal }) => getAudit(signal), select: (d) => d.events, staleTime: 5_000 });
}

export function useAudit() {
  return useQuery(auditQueryOptions());
}

/** The whole log as the BFF's CSV, saved from the iframe (it sits behind the bearer token). */
export async function downloadAuditCsv(): Promise<string> {
  const { blob, filename } = await apiDownload('/api/audit.csv');
  const name = filename ?? 'whatsapp-audit.csv';
  saveFile(blob, name);
  return name;
}
