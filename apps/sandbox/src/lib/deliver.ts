import type { Scheduler } from './scheduler.ts';

export interface OutboundRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Merged into the URL's query string (GET callbacks). */
  query?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  basicAuth?: { username: string; password: string } | undefined;
}

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error?: string;
}

export interface DeliveryResult {
  ok: boolean;
  /** Status of the last attempt (null when it never got an HTTP answer). */
  status: number | null;
  attempts: DeliveryAttempt[];
  /** The URL actually requested, without credentials. */
  url: string;
  method: 'GET' | 'POST';
  used_basic_auth: boolean;
}

/**
 * Node's fetch refuses URLs with credentials (`https://user:pass@host`), while Kaleyra accepts them in callback
 * URLs: strip the userinfo and turn it into Basic auth, as a real HTTP client would.
 */
export function splitUserinfo(rawUrl: string): { url: URL; basicAuth?: { username: string; password: string } } {
  const url = new URL(rawUrl);
  if (!url.username && !url.password) return { url };
  const basicAuth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  return { url, basicAuth };
}

/** Removes credentials from a URL for display and logs. */
export function redactUrl(rawUrl: string): string {
  try {
    const url = new URL(rawUrl);
    if (url.username || url.password) {
      url.username = '***';
      url.password = '';
    }
    return url.toString();
  } catch {
    return '<invalid url>';
  }
}

/**
 * The body of a request given as `json` (which wins) or as a `form`, and its content type set in `headers`;
 * undefined when it has neither.
 */
export function encodeBody(input: { json?: unknown; form?: Record<string, string> }, headers: Record<string, string>): string | undefined {
  if (input.json !== undefined) {
    headers['content-type'] = 'application/json';
    return JSON.stringify(input.json);
  }
  if (input.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return new URLSearchParams(input.form).toString();
  }
  return undefined;
}

/** Sends one HTTP request, retrying `retries` times on network errors and non-2xx answers. */
export async function deliver(
  scheduler: Scheduler,
  request: OutboundRequest,
  options: { retries?: number; retryDelayMs?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<DeliveryResult> {
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const timeoutMs = options.timeoutMs ?? 5000;
  const signal = options.signal ?? scheduler.signal;

  let url: URL;
  let basicAuth = request.basicAuth;
  try {
    const split = splitUserinfo(request.url);
    url = split.url;
    basicAuth = split.basicAuth ?? basicAuth;
  } catch {
    return {
      ok: false,
      status: null,
      attempts: [{ at: new Date().toISOString(), status: null, error: 'invalid URL' }],
      url: redactUrl(request.url),
      method: request.method,
      used_basic_auth: false,
    };
  }
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);

  const headers: Record<string, string> = { 'user-agent': 'wa-sandbox/1.0' };
  const body = encodeBody(request, headers);
  if (basicAuth) {
    headers.authorization = `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
  }

  const attempts: DeliveryAttempt[] = [];
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0 && !(await scheduler.sleep(retryDelayMs * attempt, signal))) break;
    if (signal.aborted) break;
    const at = new Date().toISOString();
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        redirect: 'manual',
      });
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      attempts.push({ at, status: response.status });
      if (response.ok) break;
    } catch (error) {
      attempts.push({ at, status: null, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const last = attempts.at(-1);
  return {
    ok: last?.status !== undefined && last.status !== null && last.status >= 200 && last.status < 300,
    status: last?.status ?? null,
    attempts,
    url: url.toString(),
    method: request.method,
    used_basic_auth: basicAuth !== undefined,
  };
}
