import type { AuditEvent, AuditQuery } from '@wa/contracts';
import Papa from 'papaparse';
import type { Db } from '../../db/client.ts';
import { listAudit, type AuditRow } from './audit.repo.ts';

export function toAuditDto(r: AuditRow): AuditEvent {
  return {
    id: r.id,
    organizationId: r.organizationId,
    at: r.at.toISOString(),
    actorType: r.actorType,
    actorId: r.actorId,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    metadata: r.metadata ?? {},
  };
}

/** Cells a spreadsheet would run as a formula are prefixed with a quote (CSV injection). */
function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** Reads the audit log: a business's own (owners, admins) or everyone's (operators). */
export class AuditService {
  constructor(private readonly db: Db) {}

  async list(organizationId: string | undefined, q: AuditQuery): Promise<AuditEvent[]> {
    const rows = await listAudit(this.db, { organizationId, before: q.before ? new Date(q.before) : undefined, limit: q.limit });
    return rows.map(toAuditDto);
  }

  /** One row per event, newest first; the metadata as JSON in one column. */
  async csv(organizationId: string | undefined, limit = 100_000): Promise<string> {
    const rows = await listAudit(this.db, { organizationId, limit });
    return Papa.unparse({
      fields: ['time', 'organization_id', 'actor_type', 'actor', 'action', 'target_type', 'target_id', 'metadata'],
      data: rows.map((r) => [r.at.toISOString(), r.organizationId ?? '', r.actorType, r.actorId ?? '', r.action, r.targetType ?? '', r.targetId ?? '', r.metadata].map(cell)),
    });
  }
}
