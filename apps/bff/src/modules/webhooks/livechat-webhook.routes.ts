import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { errors } from '../../lib/errors.ts';
import { handle } from '../../lib/http.ts';
import type { Logger } from '../../lib/logger.ts';
import type { BillingSyncService } from '../billing/billing-sync.service.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * LiveChat app webhooks at `/webhooks/livechat/<APP_WEBHOOK_SECRET>`. They carry no signature, so the path is
 * the only credential (compared in constant time; a wrong one is a plain 404) and every event is a hint: a
 * payment event makes us re-fetch the charge from the Billing API before anything is credited or changed.
 */
/**
 * Another module's handling of app webhooks (e.g. application_installed / application_uninstalled, the account lifecycle): the
 * result for the events it owns, null for the others. Tried in order before the billing sync.
 */
export type AppWebhookHandler = (body: unknown) => Promise<string | null>;

export function livechatWebhookRoutes(secret: string, sync: BillingSyncService, log: Logger, handlers: readonly AppWebhookHandler[] = []) {
  const expected = digest(secret);
  const r = Router();
  r.post(
    '/:secret',
    handle(async (req, res) => {
      if (!timingSafeEqual(digest(String(req.params.secret)), expected)) throw errors.notFound('The page');
      const event = typeof req.body?.event === 'string' ? req.body.event.slice(0, 100) : '(none)';
      for (const handler of handlers) {
        const handled = await handler(req.body);
        if (handled === null) continue;
        log.info({ event, result: handled }, 'livechat app webhook');
        res.locals.webhookResult = handled;
        res.status(handled === 'ignored' ? 202 : 200).json({ result: handled });
        return;
      }
      const result = await sync.onAppWebhook(req.body);
      log.info({ event, result }, 'livechat app webhook');
      res.locals.webhookResult = result;
      res.status(result === 'settled' || result === 'synced' ? 200 : 202).json({ result });
    }),
  );
  return r;
}
