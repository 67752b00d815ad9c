import { Router } from 'express';
import { AuditQuerySchema, AuditResponseSchema } from '@wa/contracts';
import { parse, respond } from '../../lib/http.ts';
import { csvDownload } from '../../lib/keyset.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import { AuditService } from './audit.service.ts';

/** The organization's own audit log (owners and admins); operators read everyone's through /ops. */
export function auditRoutes(audit: AuditService) {
  const r = Router();
  r.get(
    '/audit',
    requireManager,
    respond(AuditResponseSchema, (req, res) => audit.page(ctx(res).org.id, parse(AuditQuerySchema, req.query, 'query'))),
  );
  r.get(
    '/audit.csv',
    requireManager,
    csvDownload('audit', AuditService.CSV_HEADER, (_req, res) => audit.csvRows(ctx(res).org.id)),
  );
  return r;
}
