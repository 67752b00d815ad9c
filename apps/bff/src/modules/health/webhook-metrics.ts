import type { NextFunction, Request, Response } from 'express';
import { webhookDeliveries } from '../../lib/metrics.ts';

/** A delivery's result from its response: the handler's own word (res.locals.webhookResult) when it gave one. */
export function webhookResult(status: number, handlerResult: unknown): string {
  if (status >= 200 && status < 300)
    return typeof handlerResult === 'string' && /^[a-z_]{1,32}$/.test(handlerResult) ? handlerResult : 'accepted';
  if (status === 401 || status === 403 || status === 404) return 'unauthorized';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'malformed';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'failed' : 'rejected';
}

/**
 * Counts webhook deliveries by source and result. `source` names the sender and kind (kaleyra_status,
 * kaleyra_incoming, livechat); never the organization in the path.
 */
export function webhookMetrics(source: 'kaleyra' | 'livechat') {
  return (req: Request, res: Response, next: NextFunction) => {
    res.once('finish', () => {
      const kind =
        source === 'kaleyra'
          ? /\/incoming(\?|$)/.test(req.originalUrl)
            ? 'kaleyra_incoming'
            : /\/status(\?|$)/.test(req.originalUrl)
              ? 'kaleyra_status'
              : 'kaleyra_other'
          : source;
      webhookDeliveries.inc({ source: kind, result: webhookResult(res.statusCode, res.locals.webhookResult) });
    });
    next();
  };
}
