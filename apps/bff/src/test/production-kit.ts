import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './process-kit.ts';

/**
 * The built product in child processes: `node dist/main.js` for the BFF and the sandbox, exactly as production
 * starts them. Each test file builds into its own output folder (a sibling of dist/, so the bundle resolves its
 * npm dependencies and the widget build as dist/ does) and removes it afterwards: concurrent builds never meet.
 */

const bffDir = fileURLToPath(new URL('../../', import.meta.url));
const sandboxDir = fileURLToPath(new URL('../../../sandbox/', import.meta.url));

export interface Build {
  bffMain: string;
  sandboxMain: string;
  remove(): void;
}

export function buildProduct(): Build {
  const name = `dist-test-${randomBytes(4).toString('hex')}`;
  for (const dir of [bffDir, sandboxDir]) {
    const r = spawnSync(join(dir, 'node_modules', '.bin', 'tsup'), ['--out-dir', name, '--no-sourcemap'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0) throw new Error(`build failed in ${dir}:\n${r.stdout}\n${r.stderr}`);
  }
  return {
    bffMain: join(bffDir, name, 'main.js'),
    sandboxMain: join(sandboxDir, name, 'main.js'),
    remove() {
      for (const dir of [bffDir, sandboxDir]) rmSync(join(dir, name), { recursive: true, force: true });
    },
  };
}

export interface NodeProc {
  url: string;
  port: number;
  child: ChildProcess;
  logs: string[];
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Starts `node <main>` with exactly `env` (plus PATH), and waits until `readyPath` answers 200 (if given). */
export async function startNode(
  main: string,
  env: Record<string, string>,
  port: number,
  readyPath: string | null,
  timeoutMs = 90_000,
): Promise<NodeProc> {
  const logs: string[] = [];
  const child = spawn(process.execPath, [main], {
    cwd: join(main, '..', '..'),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout!.on('data', (d) => logs.push(String(d)));
  child.stderr!.on('data', (d) => logs.push(String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const proc: NodeProc = {
    url,
    port,
    child,
    logs,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (readyPath === null) return proc;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${main} exited (${child.exitCode}) before ${readyPath} answered:\n${logs.slice(-30).join('')}`);
    try {
      if ((await fetch(`${url}${readyPath}`)).ok) return proc;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${readyPath} did not answer in ${timeoutMs} ms:\n${logs.slice(-30).join('')}`);
}

export async function startBuiltSandbox(build: Build, env: Record<string, string> = {}): Promise<NodeProc> {
  const port = await freePort();
  return startNode(
    build.sandboxMain,
    { SANDBOX_PORT: String(port), SANDBOX_LOG: '0', KALEYRA_CALLBACK_DELAY_MS: '50', ...env },
    port,
    '/sandbox/health',
  );
}

/** Parsed JSON log lines of a process (pino writes one object per line). */
export function logLines(proc: NodeProc): Record<string, unknown>[] {
  return proc.logs
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

export const randomSecret = () => randomBytes(32).toString('base64url');
