import { encodeCursor, type AuditEvent, type AuditQuery } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { listAudit, type AuditRow } from './audit.repo.ts';

/** Reads (and the writes other modules take part in) that this module offers the others. */
export { listAudit } from './audit.repo.ts';

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

const CSV_PAGE = 5_000;

/** Reads the audit log: a business's own (owners, admins) or everyone's (operators). */
export class AuditService {
  constructor(private readonly db: Db) {}

  async list(organizationId: string | undefined, q: AuditQuery): Promise<AuditEvent[]> {
    return (await this.page(organizationId, q)).events;
  }

  /** One page, and the cursor of the next one (null on the last page). */
  async page(organizationId: string | undefined, q: AuditQuery): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
    const rows = await listAudit(this.db, {
      organizationId,
      before: q.before ? new Date(q.before) : undefined,
      after: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { events: page.map(toAuditDto), nextCursor: rows.length > q.limit && last ? encodeCursor([last.micros, last.id]) : null };
  }

  static readonly CSV_HEADER = ['time', 'organization_id', 'actor_type', 'actor', 'action', 'target_type', 'target_id', 'metadata'];

  /** Every event, newest first, a page at a time: one CSV row each, the metadata as JSON in one column. */
  async *csvRows(organizationId: string | undefined): AsyncGenerator<unknown[][]> {
    let after: readonly [string, string] | undefined;
    for (;;) {
      const rows = await listAudit(this.db, { organizationId, after, limit: CSV_PAGE });
      if (rows.length)
        yield rows.map((r) => [r.at, r.organizationId, r.actorType, r.actorId, r.action, r.targetType, r.targetId, r.metadata]);
      if (rows.length < CSV_PAGE) return;
      const last = rows[rows.length - 1]!;
      after = [last.micros, last.id];
    }
  }
}
