// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const widgetRoot = fileURLToPath(new URL('../..', import.meta.url));
const secrets = {
  KALEYRA_API_KEY: 'kaleyra-key-SECRET-7f3a9c1e',
  KALEYRA_SID: 'HX-SECRET-SID-42b7',
  APP_WEBHOOK_SECRET: 'app-webhook-SECRET-e91d0b55aa77',
  DATABASE_URL: 'postgres://admin:db-SECRET-pass@db.internal/prod',
  OPERATOR_TOKEN: 'operator-SECRET-token-31c8',
  TOKEN_ENCRYPTION_KEY: 'encryption-SECRET-key-5d2e',
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('the widget bundle', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'widget-bundle-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('L.10: holds none of the BFF secrets, even when they are in the build environment', () => {
    execFileSync(join(widgetRoot, 'node_modules', '.bin', 'vite'), ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: widgetRoot,
      env: { ...process.env, ...secrets },
      stdio: 'pipe',
    });
    const all = files(outDir);
    expect(all.some((f) => f.endsWith('.js'))).toBe(true);
    for (const f of all) {
      const text = readFileSync(f, 'utf8');
      for (const [name, value] of Object.entries(secrets)) expect(text.includes(value), `${name} found in ${f}`).toBe(false);
    }
  }, 120_000);
});
