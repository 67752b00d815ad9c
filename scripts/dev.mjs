#!/usr/bin/env node
// Runs the whole product locally: the sandbox (LiveChat + Kaleyra stand-ins), the BFF on the
// embedded database, and the built widget served by the BFF. Prints the one URL to open.
//
//   node scripts/dev.mjs [--no-build] [--fresh]
//
// Ports: SANDBOX_PORT (4010) and PORT (3000). --fresh starts from an empty database.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const sandboxPort = Number(process.env.SANDBOX_PORT ?? 4010);
const bffPort = Number(process.env.PORT ?? 3000);
// Absolute: the BFF runs in apps/bff, so a relative PGLITE_DATA_DIR would name another folder than --fresh removes.
const dataDir = resolve(process.env.PGLITE_DATA_DIR ?? join(root, '.data', 'pglite'));

// The agent app and the widget live on different sites (localhost vs 127.0.0.1), as
// my.livechatinc.com and our domain do in production: the widget runs in a cross-site iframe.
const sandboxUrl = `http://localhost:${sandboxPort}`;
const bffUrl = `http://127.0.0.1:${bffPort}`;
const shared = {
  KALEYRA_SID: process.env.KALEYRA_SID ?? 'HXSANDBOX01',
  KALEYRA_API_KEY: process.env.KALEYRA_API_KEY ?? 'sandbox-kaleyra-key',
  LIVECHAT_CLIENT_ID: process.env.LIVECHAT_CLIENT_ID ?? 'wa-livechat-app',
};
const appWebhookSecret = process.env.APP_WEBHOOK_SECRET ?? 'dev-app-webhook-secret-0123456789abcdef';
// The operator of `pnpm ops` locally and in e2e: OPS_CREDENTIAL=dev-operator:dev-operator-secret-0123456789abcdef.
const opsCredentials = process.env.OPS_CREDENTIALS ?? 'dev-operator:dev-operator-secret-0123456789abcdef';

if (!args.has('--no-build')) {
  const r = spawnSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (args.has('--fresh')) rmSync(dataDir, { recursive: true, force: true });

const children = [];
function start(name, cwd, env) {
  const child = spawn(join(root, cwd, 'node_modules', '.bin', 'tsx'), ['src/main.ts'], {
    cwd: join(root, cwd),
    env: { ...process.env, ...shared, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (line) => `[${name}] ${line}`;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      if (process.env.QUIET !== '1') for (const l of lines) process.stdout.write(prefix(l) + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping.`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitFor(url, what, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not start within ${timeoutMs / 1000}s`);
}

start('sandbox', 'apps/sandbox', {
  SANDBOX_PORT: String(sandboxPort),
  WIDGET_BASE_URL: bffUrl,
  APP_WEBHOOK_URL: `${bffUrl}/webhooks/livechat/${appWebhookSecret}`,
});
await waitFor(`${sandboxUrl}/sandbox/orgs`, 'the sandbox');
start('bff', 'apps/bff', {
  PORT: String(bffPort),
  PGLITE_DATA_DIR: dataDir,
  PUBLIC_BASE_URL: bffUrl,
  LIVECHAT_ACCOUNTS_URL: sandboxUrl,
  LIVECHAT_BILLING_URL: sandboxUrl,
  KALEYRA_BASE_URL: sandboxUrl,
  APP_WEBHOOK_SECRET: appWebhookSecret,
  LIVECHAT_API_URL: sandboxUrl,
  LIVECHAT_CLIENT_SECRET: process.env.LIVECHAT_CLIENT_SECRET ?? 'sandbox-client-secret',
  LIVECHAT_CHAT_WEBHOOK_SECRET: process.env.LIVECHAT_CHAT_WEBHOOK_SECRET ?? 'dev-chat-webhook-secret-0123456789abcdef',
  OPS_CREDENTIALS: opsCredentials,
  FRAME_ANCESTORS: `${sandboxUrl} http://127.0.0.1:${sandboxPort}`,
  DEV_SEED_SANDBOX_URL: sandboxUrl,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
});
await waitFor(`${bffUrl}/api/health`, 'the BFF');
console.log(`\n  WhatsApp Business for LiveChat is running. Open the agent app:\n\n    ${sandboxUrl}/\n`);
