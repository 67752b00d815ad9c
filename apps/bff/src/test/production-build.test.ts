import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, createChildDatabase, freePort, type ChildDatabase } from './process-kit.ts';
import { DB_KINDS } from './test-db.ts';
import { buildProduct, logLines, randomSecret, startBuiltSandbox, startNode, type Build, type NodeProc } from './production-kit.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const ACME = '8c1f2a4e-6b0d-4c1e-9a57-00000000ac01';

/**
 * The production build: `tsup` output started with `node dist/main.js` and NODE_ENV=production against
 * PostgreSQL and the (built) sandbox, as a deployment runs it.
 */
describe.each(DB_KINDS.filter((k) => k === 'postgres'))('the production build on %s', (kind) => {
  let build: Build;
  let db: ChildDatabase;
  let sandbox: NodeProc;
  let bff: NodeProc;
  let env: Record<string, string>;
  const kaleyraKey = randomSecret();
  const webhookSecret = randomSecret();
  const metricsToken = randomSecret();

  beforeAll(async () => {
    build = buildProduct();
    db = await createChildDatabase(kind);
    const port = await freePort();
    const bffUrl = `http://127.0.0.1:${port}`;
    sandbox = await startBuiltSandbox(build, {
      KALEYRA_API_KEY: kaleyraKey,
      APP_WEBHOOK_URL: `${bffUrl}/webhooks/livechat/${webhookSecret}`,
      WIDGET_BASE_URL: bffUrl,
    });
    env = {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PUBLIC_BASE_URL: bffUrl,
      LIVECHAT_ACCOUNTS_URL: sandbox.url,
      LIVECHAT_BILLING_URL: sandbox.url,
      KALEYRA_BASE_URL: sandbox.url,
      LIVECHAT_CLIENT_ID: 'wa-livechat-app',
      KALEYRA_SID: 'HXSANDBOX01',
      KALEYRA_API_KEY: kaleyraKey,
      APP_WEBHOOK_SECRET: webhookSecret,
      BILLING_TOKEN_KEY: randomSecret().slice(0, 43) + '=',
      PRIVACY_HASH_KEY: randomSecret(),
      METRICS_TOKEN: metricsToken,
      WORKERS: 'true',
      SHUTDOWN_TIMEOUT_MS: '10000',
      ...db.env,
    };
    bff = await startNode(build.bffMain, env, port, '/api/health');
  });

  afterAll(async () => {
    await bff?.stop('SIGKILL');
    await sandbox?.stop('SIGKILL');
    await db?.drop();
    build?.remove();
  });

  it('answers liveness and readiness: database reachable, migrations applied, pg-boss started', async () => {
    const health = await call(`${bff.url}/api/health`);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', database: 'postgres' } });
    const ready = await call(`${bff.url}/api/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', queue: 'started', shutdown: 'no' },
      notReady: [],
    });
  });

  it('serves an authenticated call and a LiveChat app webhook, and follows a request id into the logs', async () => {
    const token = (await call<{ access_token: string }>(`${sandbox.url}/sandbox/tokens`, { body: { organization: ACME, role: 'owner' } }))
      .body.access_token;
    expect((await call(`${bff.url}/api/me`)).status).toBe(401);
    const requestId = `probe-${randomSecret().slice(0, 12)}`;
    const me = await fetch(`${bff.url}/api/me`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId } });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-request-id')).toBe(requestId);
    expect(await me.json()).toMatchObject({ organizationId: ACME, canManage: true });
    // The access log line is written once the response has gone out.
    const logged = () => logLines(bff).some((l) => l.requestId === requestId && l.msg === 'request completed');
    for (let i = 0; i < 50 && !logged(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(logged(), bff.logs.join('').slice(-3000)).toBe(true);

    // LiveChat delivers application_installed to the public webhook URL; the BFF records the installation.
    const { body: sent } = await call(`${sandbox.url}/sandbox/apps/install`, { body: { organization: ACME } });
    expect(sent.delivery).toBeTruthy();
    let deliveries: { status?: number; event: string }[] = [];
    for (let i = 0; i < 50 && !deliveries.some((d) => d.status); i++) {
      deliveries = (await call(`${sandbox.url}/sandbox/app-webhook/deliveries?event=application_installed`)).body.deliveries;
      if (!deliveries.some((d) => d.status)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(deliveries.map((d) => d.status)).toContain(200);
    // The path is the webhook's only credential.
    expect((await call(`${bff.url}/webhooks/livechat/${randomSecret()}`, { body: { event: 'application_installed' } })).status).toBe(404);
  });

  it('exposes Prometheus metrics behind the bearer token, with route templates and no secret in any label', async () => {
    expect((await fetch(`${bff.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${bff.url}/metrics`, { headers: { authorization: `Bearer ${randomSecret()}` } })).status).toBe(401);
    const scrape = async () => {
      const res = await fetch(`${bff.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    // The billing sync is offered at start: its first run shows up in the job metrics.
    const jobRan = /job_duration_seconds_count\{queue="[a-z-]+",result="completed"\} [1-9]/;
    let text = await scrape();
    for (let i = 0; i < 100 && !jobRan.test(text); i++) {
      await new Promise((r) => setTimeout(r, 200));
      text = await scrape();
    }
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/me",status_class="2xx"\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/\(unmatched\)",status_class="4xx"\} [1-9]/);
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/webhooks\/livechat\/:secret",status_class="2xx"\} [1-9]/,
    );
    expect(text).toMatch(/webhook_deliveries_total\{source="livechat",result="[a-z_]+"\} [1-9]/);
    expect(text).toMatch(/queue_depth\{queue="campaign-dispatch",state="queued"\} \d+/);
    expect(text).toMatch(jobRan);
    for (const name of [
      'whatsapp_sends_total',
      'campaign_dispatched_total',
      'ledger_invariant_checks_total',
      'token_refresh_failures_total',
      'job_wait_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    // Label values are templates and enumerations: no webhook secret, organization, token or phone number.
    for (const secret of [webhookSecret, metricsToken, kaleyraKey, ACME]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\+?\d{9,15}"/);
  });

  it('refuses to start in production with development defaults, naming each variable', async () => {
    const { BILLING_TOKEN_KEY: _b, PRIVACY_HASH_KEY: _p, ...rest } = env;
    const bad = await startNode(
      build.bffMain,
      {
        ...rest,
        PORT: String(await freePort()),
        APP_WEBHOOK_SECRET: 'dev-app-webhook-secret-0123456789abcdef',
        DEV_SEED_SANDBOX_URL: sandbox.url,
      },
      0,
      null,
    );
    const { code } = await bad.exited;
    expect(code).toBe(78);
    const out = bad.logs.join('');
    for (const name of ['BILLING_TOKEN_KEY', 'PRIVACY_HASH_KEY', 'APP_WEBHOOK_SECRET', 'DEV_SEED_SANDBOX_URL'])
      expect(out).toContain(`${name}:`);
  });

  it('on SIGTERM turns not ready, finishes, and exits 0', async () => {
    const { code } = await bff.stop('SIGTERM');
    expect(code).toBe(0);
    const lines = logLines(bff).map((l) => l.msg);
    expect(lines).toContain('shutting down');
    expect(lines).toContain('shut down');
    await expect(fetch(`${bff.url}/api/health`)).rejects.toThrow();
  });
});
