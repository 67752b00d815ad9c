import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

export type Handler = (req: RecordedRequest) => Response | Promise<Response>;

export function json(status: number, body: unknown, contentType = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

export function problem(status: number, body: Record<string, unknown>): Response {
  return json(status, { type: 'about:blank', title: 'Error', status, ...body }, 'application/problem+json');
}

/**
 * Replaces global fetch with a router keyed by "METHOD /path" (query ignored for matching). Unknown routes
 * answer 404 problem+json so a test never hangs on a missing stub.
 */
export function mockFetch(routes: Record<string, Handler>) {
  const calls: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://widget.test');
    const method = (init?.method ?? 'GET').toUpperCase();
    const req: RecordedRequest = {
      method,
      url,
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    calls.push(req);
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) return problem(404, { code: 'not_found', detail: `No stub for ${method} ${url.pathname}` });
    return handler(req);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
