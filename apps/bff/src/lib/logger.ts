import pino, { type Logger } from 'pino';
import { currentRequestId } from './request-context.ts';

/**
 * Paths that may carry credentials. Redaction is a second line of defence: the code never logs
 * tokens, API keys or message content on purpose.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["api-key"]',
  'authorization',
  'apiKey',
  'api_key',
  'token',
  'accessToken',
  'access_token',
  'secret',
  'webhookSecret',
  'password',
  '*.authorization',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.webhookSecret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'bff' },
      // The request id of the request or job this line was written in, so one request can be followed into its jobs.
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
}

/** Removes userinfo and secret path segments from URLs before they reach a log line. */
export function safeUrl(raw: string): string {
  try {
    const u = new URL(raw, 'http://x');
    u.username = '';
    u.password = '';
    u.search = '';
    // The LiveChat app webhook's only credential is its path.
    u.pathname = u.pathname.replace(/^\/webhooks\/livechat\/[^/]+/, '/webhooks/livechat/[redacted]');
    return raw.startsWith('http') ? u.toString() : u.pathname;
  } catch {
    return '[url]';
  }
}

export type { Logger };
