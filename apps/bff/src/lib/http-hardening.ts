import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { safeUrl, type Logger } from './logger.ts';

/** Security headers for the widget, the API and the webhooks; `frameAncestors` are the hosts that may frame the widget. */
export function securityHeaders(frameAncestors: readonly string[]): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'self'", ...frameAncestors],
          formAction: ["'self'"],
        },
      },
      // The widget lives in LiveChat's iframe: frame-ancestors governs framing, not X-Frame-Options.
      frameguard: false,
      // HSTS only where TLS terminates (see below); on plain http it means nothing and misleads.
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
    (req, res, next) => {
      if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      next();
    },
  ];
}

/** One log line per request: never the headers (tokens), never the query string (v1 callbacks), never bodies. */
export function requestLog(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: safeUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: {
      ignore: (req) =>
        req.url === '/api/health' || req.url === '/api/ready' || req.url === '/metrics' || (req.url ?? '').startsWith('/widget/'),
    },
  });
}
