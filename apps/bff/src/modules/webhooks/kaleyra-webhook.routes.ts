import { Router, type Request } from 'express';
import { errors } from '../../lib/errors.ts';
import { handle } from '../../lib/http.ts';
import { parseIncoming, parseStatusCallback, WebhookParseError } from './kaleyra-webhook.parse.ts';
import type { KaleyraWebhookService } from './kaleyra-webhook.service.ts';

function malformed(err: unknown): never {
  if (err instanceof WebhookParseError) throw errors.validation([{ path: '(body)', message: err.message }], 'Malformed webhook.');
  throw err;
}

/** Kaleyra status callbacks (v1 GET, v2 POST) and incoming messages, per organization. */
export function kaleyraWebhookRoutes(service: KaleyraWebhookService, now: () => Date) {
  const r = Router();
  const status = handle(async (req: Request, res) => {
    const org = await service.authenticate(String(req.params.orgId), req.headers.authorization);
    let updates;
    try {
      updates = parseStatusCallback(req.query as Record<string, unknown>, req.body, now());
    } catch (err) {
      malformed(err);
    }
    res.json({ applied: await service.applyStatuses(org, updates) });
  });
  r.get('/:orgId/status', status);
  r.post('/:orgId/status', status);
  // v1 delivers incoming messages as GET with the fields in the query string, or as POST form or JSON.
  const incoming = handle(async (req: Request, res) => {
    const org = await service.authenticate(String(req.params.orgId), req.headers.authorization);
    let list;
    try {
      list = parseIncoming(req.method === 'GET' ? { ...(req.query as Record<string, unknown>) } : req.body, now());
    } catch (err) {
      malformed(err);
    }
    res.json({ accepted: await service.receive(org, list) });
  });
  r.get('/:orgId/incoming', incoming);
  r.post('/:orgId/incoming', incoming);
  return r;
}
