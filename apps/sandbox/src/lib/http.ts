import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';

/** RFC 9457 problem+json, used by the sandbox's own control surface (vendor routes use vendor shapes). */
export function sendProblem(res: Response, status: number, title: string, detail?: string, extra: Record<string, unknown> = {}): void {
  const body = { type: 'about:blank', title, status, ...(detail === undefined ? {} : { detail }), ...extra };
  res.status(status).type('application/problem+json').send(JSON.stringify(body));
}

export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** Parses `input` or answers 400 problem+json and returns undefined. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, res: Response): z.infer<S> | undefined {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  sendProblem(res, 400, 'Validation failed', 'The request body is invalid.', { errors: zodIssues(parsed.error) });
  return undefined;
}

/** Permissive CORS: the sandbox is a local tool and browsers/tests call it from other origins. */
export const cors: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET,POST,PUT,PATCH,DELETE,OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', req.get('access-control-request-headers') ?? 'Authorization, Content-Type');
  res.setHeader('Access-Control-Max-Age', '600');
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next();
};

/** One line per request. Deliberately prints neither headers nor query strings (tokens, api keys, OAuth state). */
export function requestLogger(enabled: boolean): RequestHandler {
  return (req, res, next) => {
    if (!enabled) return next();
    const started = performance.now();
    res.on('finish', () => {
      const ms = (performance.now() - started).toFixed(0);
      console.log(`[sandbox] ${req.method} ${req.path} ${res.statusCode} ${ms}ms`);
    });
    next();
  };
}

/** The origin the caller used to reach us, e.g. http://localhost:4010. */
export function originOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** A stored file's bytes under its own name, for the browser to show inline. */
export function sendInlineFile(res: Response, name: string, contentType: string, bytes: Buffer): void {
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', String(bytes.length));
  res.setHeader('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(name)}`);
  res.end(bytes);
}

/** The plain 404 of a file or page that is not there. */
export function sendNotFound(res: Response): void {
  res.status(404).type('text/plain').send('Not found');
}

/** Bearer token from the Authorization header, or null. */
export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim() || null;
}

export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** JSON that is safe to embed inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}
