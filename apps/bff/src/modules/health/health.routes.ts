import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { HealthResponseSchema, ReadinessResponseSchema } from '@wa/contracts';
import type { Database } from '../../db/client.ts';
import { httpRequestDuration, metricsContentType, renderMetrics, statusClass } from '../../lib/metrics.ts';
import { checkReadiness, type Readiness } from './readiness.ts';

/** Where the app mounts routers; the label of a request no route matched (a fixed set, never the raw path). */
const MOUNTS = ['/api', '/ops', '/webhooks/kaleyra', '/webhooks/livechat', '/widget'];

/** The route template (`/api/campaigns/:id`), never the path itself: paths carry ids and webhook secrets. */
export function routeTemplate(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  const mount = MOUNTS.find((m) => req.originalUrl === m || req.originalUrl.startsWith(`${m}/`) || req.originalUrl.startsWith(`${m}?`));
  if (route && typeof route.path === 'string') {
    // Inside a mounted router baseUrl is its mount; after an error left the router it is reset, so the mount is
    // found again from the URL.
    const base = req.baseUrl || (mount && !route.path.startsWith(`${mount}/`) ? mount : '');
    return `${base}${route.path}` || '/';
  }
  if (mount === '/widget') return '/widget';
  return mount ? `${mount}/(unmatched)` : '(unmatched)';
}

/** First middleware: observes every request's latency by method, route template and status class. */
export function httpMetrics() {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = httpRequestDuration.startTimer();
    res.once('finish', () => {
      end({ method: req.method, route: routeTemplate(req), status_class: statusClass(res.statusCode) });
    });
    next();
  };
}

/** Liveness, readiness and (with METRICS_TOKEN) the Prometheus metrics. */
export function healthRoutes(options: { database: Database; readiness: Readiness; metricsToken: string | undefined }): Router {
  const router = express.Router();
  router.get('/api/health', (_req, res) => {
    res.json(HealthResponseSchema.parse({ status: 'ok', database: options.database.kind }));
  });
  router.get('/api/ready', async (_req, res) => {
    const report = await checkReadiness(options.database, options.readiness);
    res
      .status(report.ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(ReadinessResponseSchema.parse({ status: report.ready ? 'ready' : 'not_ready', ...report }));
  });
  const expected = options.metricsToken ? createHash('sha256').update(options.metricsToken).digest() : null;
  router.get('/metrics', async (req, res, next) => {
    // No token configured: no metrics endpoint at all.
    if (!expected) return next();
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .type('text/plain')
        .send('metrics need the bearer token (METRICS_TOKEN)\n');
      return;
    }
    res
      .set('Cache-Control', 'no-store')
      .type(metricsContentType)
      .send(await renderMetrics());
  });
  return router;
}
