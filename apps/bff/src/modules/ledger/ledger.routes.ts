import { Router } from 'express';
import { BalanceSchema, encodeCursor, LedgerQuerySchema, LedgerResponseSchema } from '@wa/contracts';
import { parse, respond } from '../../lib/http.ts';
import { csvDownload } from '../../lib/keyset.ts';
import { ctx } from '../auth/auth.middleware.ts';
import type { LedgerService } from './ledger.service.ts';

export function ledgerRoutes(ledger: LedgerService) {
  const r = Router();
  r.get(
    '/balance',
    respond(BalanceSchema, (_req, res) => ledger.view(ctx(res).org.id)),
  );
  r.get(
    '/ledger',
    respond(LedgerResponseSchema, async (req, res) => {
      const q = parse(LedgerQuerySchema, req.query, 'query');
      const orgId = ctx(res).org.id;
      const [page, balance] = await Promise.all([ledger.page(orgId, { limit: q.limit, after: q.cursor }), ledger.view(orgId)]);
      const last = page.rows[page.rows.length - 1];
      return {
        balance,
        entries: page.rows.map((e) => ({
          id: e.id,
          delta: e.delta,
          reason: e.reason,
          reference: e.reference,
          numberId: e.numberId,
          createdAt: e.createdAt.toISOString(),
        })),
        nextCursor: page.more && last ? encodeCursor([last.micros, last.id]) : null,
      };
    }),
  );
  r.get(
    '/ledger.csv',
    csvDownload('ledger', ['time', 'entry_id', 'delta', 'reason', 'reference', 'number_id'], async function* (_req, res) {
      for await (const page of ledger.pages(ctx(res).org.id)) {
        yield page.map((e) => [e.createdAt, e.id, e.delta, e.reason, e.reference, e.numberId]);
      }
    }),
  );
  return r;
}
