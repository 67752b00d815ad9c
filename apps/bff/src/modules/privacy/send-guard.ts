import type { NextFunction, Request, Response } from 'express';
import type { Db, Tx } from '../../db/client.ts';
import { ctx } from '../auth/auth.middleware.ts';
import type { RecipientRightsService, SendBlock } from './recipient-rights.service.ts';

/**
 * The shared send check of issue 6 (L.11b–c), beside the opt-out list: restricted recipients and erased
 * numbers that opted out. Registered per database at start-up, so the campaign dispatcher reaches it with
 * nothing but its own `db`.
 */
const registry = new WeakMap<Db, RecipientRightsService>();

export function registerPrivacyChecks(db: Db, rights: RecipientRightsService) {
  registry.set(db, rights);
}

/** Campaign dispatch: which of these recipients may not be messaged (empty when privacy is not wired). */
export async function privacyBlocksAmong(db: Db, conn: Db | Tx, organizationId: string, recipients: string[]): Promise<Map<string, SendBlock>> {
  return (await registry.get(db)?.blockedAmong(conn, organizationId, recipients)) ?? new Map();
}

/** One-on-one sends: `POST /api/messages` to a blocked recipient is refused before the send path runs. */
export function privacySendGuard(rights: RecipientRightsService, db: Db) {
  return (req: Request, res: Response, next: NextFunction) => {
    const to = (req.body as { to?: unknown } | undefined)?.to;
    if (req.method !== 'POST' || req.path !== '/messages' || typeof to !== 'string') return next();
    rights.assertMaySend(db, ctx(res).org.id, to).then(() => next(), next);
  };
}
