import { Router } from 'express';
import { BalanceSchema, encodeCursor, LedgerQuerySchema, LedgerResponseSchema } from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
import { streamCsv } from '../../lib/keyset.ts';
import { ctx } from '../auth/auth.middleware.ts';
import type { LedgerService } from './ledger.service.ts';

export function ledgerRoutes(ledger: LedgerService) {
  const r = Router();
  r.get(
    '/balance',
    handle(async (_req, res) => {
      res.json(BalanceSchema.parse(await ledger.view(ctx(res).org.id)));
    }),
  );
  r.get(
    '/ledger',
    handle(async (req, res) => {
      const q = parse(LedgerQuerySchema, req.query, 'query');
      const orgId = ctx(res).org.id;
      const [page, balance] = await Promise.all([ledger.page(orgId, { limit: q.limit, after: q.cursor }), ledger.view(orgId)]);
      const last = page.rows[page.rows.length - 1];
      res.json(
        LedgerResponseSchema.parse({
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
        }),
      );
    }),
  );
  r.get(
    '/ledger.csv',
    handle(async (_req, res) => {
      const pages = async function* (rows: ReturnType<LedgerService['pages']>) {
        for await (const page of rows) yield page.map((e) => [e.createdAt, e.id, e.delta, e.reason, e.reference, e.numberId]);
      };
      await streamCsv(
        res,
        `whatsapp-ledger-${new Date().toISOString().slice(0, 10)}.csv`,
        ['time', 'entry_id', 'delta', 'reason', 'reference', 'number_id'],
        pages(ledger.pages(ctx(res).org.id)),
      );
    }),
  );
  return r;
}
