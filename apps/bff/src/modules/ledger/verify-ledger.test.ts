import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { ledgerInvariantChecks } from '../../lib/metrics.ts';
import { OPS_TEST_ENV, TEST_OPERATOR } from '../../test/ops-test-kit.ts';
import { startStack, type Stack } from '../../test/stack.ts';
import { verifyLedger } from './ledger.jobs.ts';

const run = promisify(execFile);
const bffDir = fileURLToPath(new URL('../../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

const counted = async (result: string) => (await ledgerInvariantChecks.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

describe('pnpm ops verify-ledger and the nightly check', () => {
  let s: Stack;
  const cli = async (args: string[]) => {
    try {
      const r = await run(tsx, ['src/ops-cli.ts', ...args], {
        cwd: bffDir,
        env: { ...process.env, OPS_URL: s.bffUrl, OPS_CREDENTIAL: `${TEST_OPERATOR.name}:${TEST_OPERATOR.secret}` },
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    s = await startStack('pglite', { env: OPS_TEST_ENV });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('finds nothing on a ledger whose account rows were only ever changed by appends', async () => {
    const ok = await cli(['verify-ledger']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Checked [1-9]\d* accounts?: every account row equals the sum of its entries/);
  });

  it('finds a planted mismatch, prints it, and exits non-zero; the nightly check logs it as an error and counts it', async () => {
    const [acme, bistro] = [s.orgs[0]!, s.orgs[1]!];
    const before = await s.services.ledger.totals(acme.id);
    await s.database.query('update ledger_accounts set remaining = remaining + 3 where organization_id = $1', [acme.id]);

    const all = await cli(['verify-ledger']);
    expect(all.code).toBe(2);
    expect(all.stdout).toMatch(/1 MISMATCH/);
    expect(all.stdout).toContain(acme.id);
    expect(all.stdout).toContain(String(before.remaining + 3));
    expect(all.stdout).not.toContain(bistro.id);
    const json = await cli(['verify-ledger', acme.id.slice(0, 8), '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).mismatches).toEqual([
      { organizationId: acme.id, account: { remaining: before.remaining + 3, reserved: before.reserved }, entries: before },
    ]);
    // One business only: another's clean account passes.
    expect((await cli(['verify-ledger', bistro.id])).code).toBe(0);

    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => lines.push(l) });
    const violations = await counted('violation');
    expect(await verifyLedger(s.services.ledger, log)).toMatchObject({ mismatches: 1 });
    expect(await counted('violation')).toBe(violations + 1);
    const error = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50);
    expect(error).toMatchObject({ organizationId: acme.id, msg: 'ledger account row differs from the sum of its entries' });

    await s.database.query('update ledger_accounts set remaining = remaining - 3 where organization_id = $1', [acme.id]);
    const oks = await counted('ok');
    expect(await verifyLedger(s.services.ledger, log)).toMatchObject({ mismatches: 0 });
    expect(await counted('ok')).toBe(oks + 1);
  });
});
