import { Router } from 'express';
import { BalanceSchema, LedgerResponseSchema } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { handle } from '../../lib/http.ts';
import { ctx } from '../auth/auth.middleware.ts';
import { balanceOf } from './balance.service.ts';
import { listEntries } from './ledger.repo.ts';

export function ledgerRoutes(db: Db) {
  const r = Router();
  r.get(
    '/balance',
    handle(async (_req, res) => {
      res.json(BalanceSchema.parse(await balanceOf(db, ctx(res).org.id)));
    }),
  );
  r.get(
    '/ledger',
    handle(async (_req, res) => {
      const orgId = ctx(res).org.id;
      const [entries, balance] = await Promise.all([listEntries(db, orgId), balanceOf(db, orgId)]);
      res.json(
        LedgerResponseSchema.parse({
          balance,
          entries: entries.map((e) => ({
            id: e.id,
            delta: e.delta,
            reason: e.reason,
            reference: e.reference,
            numberId: e.numberId,
            createdAt: e.createdAt.toISOString(),
          })),
        }),
      );
    }),
  );
  return r;
}
