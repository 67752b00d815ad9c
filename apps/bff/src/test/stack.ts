import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createSandbox, type Sandbox } from '../../../sandbox/src/app.ts';
import type { SandboxConfig } from '../../../sandbox/src/config.ts';
import { createApp, type Services } from '../app.ts';
import { parseConfig, type Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { seedFromSandbox } from '../dev/seed-from-sandbox.ts';
import { createLogger } from '../lib/logger.ts';
import { AccountsClient } from '../providers/livechat-accounts/accounts.client.ts';
import type { AccountsPort } from '../providers/livechat-accounts/accounts.port.ts';
import { KaleyraClient } from '../providers/kaleyra/kaleyra.client.ts';
import { BillingClient } from '../providers/livechat-billing/billing.client.ts';
import { openTestDatabase, type DbKind } from './test-db.ts';
import { registerJobs } from '../jobs.ts';
import { startQueue } from '../queue/queue.ts';

export interface SandboxOrg {
  id: string;
  name: string;
  accounts: { account_id: string; email: string; role: 'owner' | 'agent' }[];
  whatsapp_numbers: { number: string; api_version: 'v1' | 'v2'; waba_id: string }[];
}

export interface Stack {
  bffUrl: string;
  sandboxUrl: string;
  sandbox: Sandbox;
  database: Database;
  services: Services;
  config: Config;
  orgs: SandboxOrg[];
  /** Every log line the BFF wrote, as raw JSON text. */
  logs: string[];
  /** Accounts calls made by the BFF (counts the token checks that missed the cache). */
  accountsCalls: { count: number };
  token(org: SandboxOrg, role: 'owner' | 'agent', extra?: { expires_in?: number; client_id?: string }): Promise<string>;
  api(
    token: string | null,
    path: string,
    init?: { method?: string; body?: unknown },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  sandboxControl<T = any>(path: string, body?: unknown, method?: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * The real BFF (HTTP, database, providers) against an in-process sandbox, both on ephemeral ports.
 * Nothing is mocked: this is what the product runs, minus the browser.
 */
export async function startStack(
  kind: DbKind,
  options: {
    sandbox?: Partial<SandboxConfig>;
    env?: Record<string, string>;
    seed?: boolean;
    /** Start pg-boss and the background workers (campaign dispatch, sweepers), as a BFF with WORKERS=true does. */
    workers?: boolean;
    /** Use this database instead of a fresh one (several stacks sharing one PostgreSQL, as instances do). */
    database?: Database;
  } = {},
): Promise<Stack> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const bffUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = createSandbox({
    log: false,
    widgetBaseUrl: bffUrl,
    kaleyraCallbackDelayMs: 30,
    billingSettleDelayMs: 20,
    ...options.sandbox,
  });
  const { url: sandboxUrl } = await sandbox.listen(0, '127.0.0.1');
  const database = options.database ?? (await openTestDatabase(kind));
  const config = parseConfig({
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: bffUrl,
    LIVECHAT_ACCOUNTS_URL: sandboxUrl,
    LIVECHAT_BILLING_URL: sandboxUrl,
    KALEYRA_BASE_URL: sandboxUrl,
    LIVECHAT_CLIENT_ID: sandbox.ctx.config.livechatClientId,
    KALEYRA_SID: sandbox.ctx.config.kaleyraSid,
    KALEYRA_API_KEY: sandbox.ctx.config.kaleyraApiKey,
    APP_WEBHOOK_SECRET: 'test-app-webhook-secret-0123456789',
    LIVECHAT_API_URL: sandboxUrl,
    LIVECHAT_CLIENT_SECRET: sandbox.ctx.config.livechatClientSecret,
    LIVECHAT_CHAT_WEBHOOK_SECRET: 'test-chat-webhook-secret-0123456789',
    LOG_LEVEL: 'info',
    WORKERS: 'false',
    ...options.env,
  });
  const logs: string[] = [];
  const log = createLogger(
    config.LOG_LEVEL,
    new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  );
  const accountsCalls = { count: 0 };
  const real = new AccountsClient(sandboxUrl);
  const accounts: AccountsPort = {
    tokenInfo: (t) => (accountsCalls.count++, real.tokenInfo(t)),
    me: (t) => real.me(t),
  };
  const kaleyra = new KaleyraClient({ baseUrl: sandboxUrl, sid: config.KALEYRA_SID, apiKey: config.KALEYRA_API_KEY, timeoutMs: 3_000 });
  const { app, services } = createApp({ config, database, log, accounts, kaleyra });
  server.on('request', app);

  const orgs = ((await (await fetch(`${sandboxUrl}/sandbox/orgs`)).json()) as { organizations: SandboxOrg[] }).organizations;
  if (options.seed !== false) {
    await seedFromSandbox({ sandboxUrl, database, services, billing: new BillingClient(sandboxUrl), config, log });
  }

  const queue = options.workers ? await startQueue(database, log, { superviseSeconds: config.QUEUE_SUPERVISE_SECONDS }) : null;
  if (queue) await registerJobs(queue, { database, services, log, config });

  const sandboxControl = async <T = any>(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> => {
    const res = await fetch(`${sandboxUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  return {
    bffUrl,
    sandboxUrl,
    sandbox,
    database,
    services,
    config,
    orgs,
    logs,
    accountsCalls,
    async token(org, role, extra = {}) {
      const r = await sandboxControl<{ access_token: string }>('/sandbox/tokens', { organization: org.id, role, ...extra });
      return r.access_token as string;
    },
    async api(token, path, init = {}) {
      const res = await fetch(`${bffUrl}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      return { status: res.status, body, headers: res.headers };
    },
    sandboxControl,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      services.campaignDispatcher.stop();
      await queue?.stop({ graceful: true, timeout: 5_000 }).catch(() => {});
      await sandbox.close();
      if (!options.database) await database.close();
    },
  };
}

/** Every row of every table of ours, for before/after comparisons and privacy scans. */
/**
 * Every table's rows, to show that a refused request wrote nothing. The request counters of the rate limit are left
 * out: counting a request is the one write every API request makes, refused or not.
 */
export async function dumpTables(database: Database): Promise<Record<string, unknown[]>> {
  const tables = await database.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'api_rate_limits' order by table_name`,
  );
  const out: Record<string, unknown[]> = {};
  for (const { table_name } of tables) out[table_name] = await database.query(`select * from "${table_name}" order by 1`);
  return out;
}

export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await fn();
  }
  return last;
}
