import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../test/stack.ts';
import { DB_KINDS } from '../../test/test-db.ts';

const METRICS_TOKEN = 'metrics-token-for-this-suite-4f1c9a';

describe.each(DB_KINDS)('health, readiness and metrics on %s', (kind) => {
  let s: Stack;
  beforeAll(async () => {
    // WORKERS=true without a started queue: the instance is alive but not ready.
    s = await startStack(kind, { env: { METRICS_TOKEN, WORKERS: 'true' } });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('is alive, and not ready until its background workers run, saying why', async () => {
    expect(await s.api(null, '/api/health')).toMatchObject({ status: 200, body: { status: 'ok', database: kind } });
    const ready = await s.api(null, '/api/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'not_ready',
      checks: { database: 'ok', migrations: 'ok', queue: 'starting', shutdown: 'no' },
    });
    expect(ready.body.notReady).toEqual(['the background workers (pg-boss) have not started yet']);
  });

  it('labels requests by route template, also when the route failed inside a router', async () => {
    const owner = await s.token(s.orgs[0]!, 'owner');
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await s.api(owner, `/api/campaigns/${missing}`)).status).toBe(404);
    expect((await s.api(owner, '/api/numbers')).status).toBe(200);
    const res = await fetch(`${s.bffUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await res.text();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/campaigns\/:campaignId",status_class="4xx"\} [1-9]/,
    );
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/numbers",status_class="2xx"\} [1-9]/);
    expect(text).not.toContain(missing);
  });

  it('counts Kaleyra webhook deliveries by kind and result, never by organization', async () => {
    const org = s.orgs[0]!.id;
    const bad = await fetch(`${s.bffUrl}/webhooks/kaleyra/${org}/incoming`, {
      method: 'POST',
      headers: { authorization: 'Basic bm90Om1l', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bad.status).toBe(401);
    const text = await (await fetch(`${s.bffUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toMatch(/webhook_deliveries_total\{source="kaleyra_incoming",result="unauthorized"\} [1-9]/);
    expect(text).toContain('route="/webhooks/kaleyra/:orgId/incoming"');
    expect(text).not.toContain(org);
  });

  it('echoes a request id and writes it on the request log line', async () => {
    const res = await fetch(`${s.bffUrl}/api/public-config`, { headers: { 'x-request-id': 'trace-0001-abcdef' } });
    expect(res.headers.get('x-request-id')).toBe('trace-0001-abcdef');
    const generated = await fetch(`${s.bffUrl}/api/public-config`, { headers: { 'x-request-id': 'no spaces or {braces} allowed' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 50));
    const line = s.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === 'trace-0001-abcdef');
    expect(line).toMatchObject({ msg: 'request completed', req: { url: '/api/public-config' } });
  });
});

describe('metrics without a token', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack('pglite', { seed: false });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('are not served at all', async () => {
    expect((await fetch(`${s.bffUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${s.bffUrl}/metrics`, { headers: { authorization: 'Bearer anything-at-all-0123456789' } })).status).toBe(404);
    expect((await s.api(null, '/api/ready')).status).toBe(200);
  });
});
