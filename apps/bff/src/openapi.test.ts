import { routes } from '@wa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './test/stack.ts';

describe('the public API surface', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack('pglite', { seed: false });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('serves OpenAPI generated from the contracts, with every route', async () => {
    const r = await s.api(null, '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.0.3');
    for (const spec of routes) expect(r.body.paths[spec.path]?.[spec.method], `${spec.method} ${spec.path}`).toBeTruthy();
    const send = r.body.paths['/api/messages'].post;
    expect(JSON.stringify(send.requestBody)).toContain('clientRef');
  });

  it('answers unknown routes and bad JSON with problem+json', async () => {
    // Unauthenticated callers learn nothing about which API routes exist.
    expect((await s.api(null, '/api/nope')).status).toBe(401);
    const missing = await s.api(await s.token(s.orgs[0]!, 'agent'), '/api/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const res = await fetch(`${s.bffUrl}/webhooks/kaleyra/x/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('validation_failed');
  });

  it('sets a CSP that only lets the configured agent app frame the widget', async () => {
    const r = await fetch(`${s.bffUrl}/api/health`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-ancestors');
    expect(csp).toContain('https://my.livechatinc.com');
    expect(r.headers.get('x-frame-options')).toBeNull();
  });
});
