import { Router } from 'express';
import { AuditQuerySchema, AuditResponseSchema } from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
import { streamCsv } from '../../lib/keyset.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import { AuditService } from './audit.service.ts';

/** The organization's own audit log (owners and admins); operators read everyone's through /ops. */
export function auditRoutes(audit: AuditService) {
  const r = Router();
  r.get(
    '/audit',
    requireManager,
    handle(async (req, res) => {
      const q = parse(AuditQuerySchema, req.query, 'query');
      res.json(AuditResponseSchema.parse(await audit.page(ctx(res).org.id, q)));
    }),
  );
  r.get(
    '/audit.csv',
    requireManager,
    handle(async (_req, res) => {
      const name = `whatsapp-audit-${new Date().toISOString().slice(0, 10)}.csv`;
      await streamCsv(res, name, AuditService.CSV_HEADER, audit.csvRows(ctx(res).org.id));
    }),
  );
  return r;
}
