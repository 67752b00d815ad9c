import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createScratchDatabase } from './scratch-database.ts';

/**
 * Real processes for the fault test, the two-instance test and the benchmark: the BFF exactly as
 * production starts it (`tsx src/main.ts`, env only), the sandbox as its own process, and a database made
 * for the occasion (a fresh PostgreSQL database, or a PGlite directory when no PostgreSQL is configured).
 */

const bffDir = fileURLToPath(new URL('../../', import.meta.url));
const sandboxDir = fileURLToPath(new URL('../../../sandbox/', import.meta.url));
const tsx = (dir: string) => join(dir, 'node_modules', '.bin', 'tsx');

export const SANDBOX_DEFAULTS = { sid: 'HXSANDBOX01', apiKey: 'sandbox-kaleyra-key', clientId: 'wa-livechat-app' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForUrl(url: string, child: ChildProcess, logs: string[], timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${url} answered:\n${logs.slice(-30).join('')}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms:\n${logs.slice(-30).join('')}`);
}

export interface Proc {
  url: string;
  port: number;
  child: ChildProcess;
  logs: string[];
  /** SIGKILL (no shutdown hook runs) or SIGTERM; resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Process groups we started, killed when this process exits (a failed test must not leave servers behind). */
const groups = new Set<number>();
process.once('exit', () => {
  for (const g of groups) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {}
  }
});

/** Signals the whole group: tsx runs the program in a child process, which a signal to tsx alone would orphan. */
function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {}
}

function launch(cwd: string, env: Record<string, string>, port: number, healthPath: string): Promise<Proc> {
  const logs: string[] = [];
  const child = spawn(tsx(cwd), ['src/main.ts'], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  groups.add(pid);
  child.stdout!.on('data', (d) => logs.push(String(d)));
  child.stderr!.on('data', (d) => logs.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: Proc = {
    url,
    port,
    child,
    logs,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) signalGroup(pid, signal);
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 8_000);
      await gone;
      clearTimeout(timer);
      // The program itself (tsx's child) too: nothing of the group may keep the port or the database.
      signalGroup(pid, 'SIGKILL');
      groups.delete(pid);
    },
  };
  return waitForUrl(`${url}${healthPath}`, child, logs).then(
    () => proc,
    async (err: Error) => {
      await proc.kill('SIGKILL');
      throw err;
    },
  );
}

export async function startSandboxProcess(
  options: {
    port?: number;
    callbackDelayMs?: number;
    rateLimitPerSecond?: number;
    /** false: Kaleyra's ref de-duplication off (every send goes out, whatever its ref). */
    dedupeRefs?: boolean;
    /** Keep retrying undelivered status callbacks this long (a BFF that restarts still hears them). */
    callbackRetrySeconds?: number;
  } = {},
): Promise<Proc> {
  const port = options.port ?? (await freePort());
  return launch(
    sandboxDir,
    {
      SANDBOX_PORT: String(port),
      SANDBOX_LOG: '0',
      KALEYRA_CALLBACK_DELAY_MS: String(options.callbackDelayMs ?? 100),
      KALEYRA_RATE_LIMIT_PER_SECOND: String(options.rateLimitPerSecond ?? 80),
      KALEYRA_DEDUPE_REFS: options.dedupeRefs === false ? 'false' : 'true',
      KALEYRA_CALLBACK_RETRY_SECONDS: String(options.callbackRetrySeconds ?? 0),
    },
    port,
    '/sandbox/health',
  );
}

/** A database for child BFFs: a fresh PostgreSQL database (dropped by `drop`), or a PGlite directory. */
export interface ChildDatabase {
  kind: 'pglite' | 'postgres';
  env: Record<string, string>;
  /** For direct checks from the test (PostgreSQL only). */
  url: string | null;
  drop(): Promise<void>;
}

export async function createChildDatabase(kind: 'pglite' | 'postgres'): Promise<ChildDatabase> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'wa-pglite-'));
    return { kind, env: { PGLITE_DATA_DIR: dir }, url: null, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const { url, drop } = await createScratchDatabase(adminUrl, 'wa_proc_');
  return { kind, env: { DATABASE_URL: url }, url, drop };
}

export async function postgresAvailable(): Promise<boolean> {
  const c = new pg.Client({
    connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    connectionTimeoutMillis: 1500,
  });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export async function startBffProcess(options: {
  sandboxUrl: string;
  database: ChildDatabase;
  port?: number;
  /** Where Kaleyra calls back (the load balancer in front of several instances); default this instance. */
  publicBaseUrl?: string;
  seed?: boolean;
  env?: Record<string, string>;
}): Promise<Proc> {
  const port = options.port ?? (await freePort());
  return launch(
    bffDir,
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PUBLIC_BASE_URL: options.publicBaseUrl ?? `http://127.0.0.1:${port}`,
      LIVECHAT_ACCOUNTS_URL: options.sandboxUrl,
      LIVECHAT_BILLING_URL: options.sandboxUrl,
      KALEYRA_BASE_URL: options.sandboxUrl,
      LIVECHAT_CLIENT_ID: SANDBOX_DEFAULTS.clientId,
      KALEYRA_SID: SANDBOX_DEFAULTS.sid,
      KALEYRA_API_KEY: SANDBOX_DEFAULTS.apiKey,
      APP_WEBHOOK_SECRET: 'process-kit-app-webhook-secret-0123456789',
      WORKERS: 'true',
      ...(options.seed === false ? {} : { DEV_SEED_SANDBOX_URL: options.sandboxUrl }),
      ...options.database.env,
      ...options.env,
    },
    port,
    '/api/health',
  );
}

/** JSON helpers against a running BFF/sandbox. */
export async function call<T = any>(
  url: string,
  init: { method?: string; token?: string; body?: unknown; csv?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.csv !== undefined) headers['content-type'] = 'text/csv';
  const res = await fetch(url, {
    method: init.method ?? (init.body !== undefined || init.csv !== undefined ? 'POST' : 'GET'),
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : init.csv !== undefined ? { body: init.csv } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** POSTs `body` as JSON and returns the answer's body; an answer other than 2xx throws with what it said. */
export async function postOk<T = any>(url: string, body: unknown): Promise<T> {
  const res = await call<T>(url, { body });
  if (res.status < 200 || res.status > 299) throw new Error(`${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function ownerToken(sandboxUrl: string, organization: string): Promise<string> {
  return (await call<{ access_token: string }>(`${sandboxUrl}/sandbox/tokens`, { body: { organization, role: 'owner' } })).body
    .access_token;
}
