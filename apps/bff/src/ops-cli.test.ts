import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPS_TEST_ENV, TEST_OPERATOR } from './test/ops-test-kit.ts';
import { startStack, waitFor, type SandboxOrg, type Stack } from './test/stack.ts';

const run = promisify(execFile);
const bffDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

describe('pnpm ops (the CLI over /ops)', () => {
  let s: Stack;
  let cedar: SandboxOrg;
  let bistro: SandboxOrg;

  const cli = async (args: string[], credential: string | null = `${TEST_OPERATOR.name}:${TEST_OPERATOR.secret}`) => {
    try {
      const r = await run(tsx, ['src/ops-cli.ts', ...args], {
        cwd: bffDir,
        env: { ...process.env, OPS_URL: s.bffUrl, OPS_CREDENTIAL: credential ?? '' },
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const json = async (args: string[]) => {
    const r = await cli([...args, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    s = await startStack('pglite', { env: OPS_TEST_ENV });
    cedar = s.orgs.find((o) => o.name === 'Cedar Dental')!;
    bistro = s.orgs.find((o) => o.name === 'Bistro Verde')!;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('F.2: lists and shows businesses; a unique id prefix is enough', async () => {
    const list = await json(['list']);
    expect(list.businesses.map((b: any) => b.organizationId)).toContain(cedar.id);
    const human = await cli(['list']);
    expect(human.stdout).toMatch(/organizationId\s+status\s+balance/);
    const shown = await json(['show', cedar.id.slice(0, 8)]);
    expect(shown.business.organizationId).toBe(cedar.id);
    expect((await cli(['show', cedar.id])).stdout).toMatch(/Numbers[\s\S]*Charges[\s\S]*Refunds[\s\S]*Recent audit/);
  });

  it('F.2, J: suspends with a reason and restores without one; revokes and restores sending by number', async () => {
    expect((await json(['suspend', bistro.id, '--reason', 'chargeback'])).business).toMatchObject({
      status: 'suspended',
      statusReason: 'chargeback',
    });
    expect((await json(['restore', bistro.id])).business.status).toBe('active');
    const number = bistro.whatsapp_numbers[0]!.number;
    expect((await json(['revoke', bistro.id, number])).changed).toBe(true);
    expect((await json(['restore-sending', bistro.id, number])).changed).toBe(true);
  });

  it('H, I: reviews refunds and grants a credit with its reason', async () => {
    const owner = await s.token(cedar, 'owner');
    const plan = (await s.api(owner, '/api/refunds')).body.candidates.find((c: any) => c.kind === 'recurrent');
    const requested = await s.api(owner, '/api/refunds', { body: { chargeId: plan.chargeId } });
    expect(requested.status).toBe(201);
    await waitFor(
      () => s.database.query('select 1 from billing_credentials where organization_id = $1', [cedar.id]),
      (r) => r.length === 1,
    );
    const waiting = await json(['refunds', '--status', 'requested']);
    expect(waiting.refunds.map((r: any) => r.id)).toContain(requested.body.refund.id);
    expect((await json(['refund', 'approve', requested.body.refund.id])).refund).toMatchObject({ status: 'approved', planCancelled: true });
    expect((await cli(['refund', 'paid', requested.body.refund.id])).stdout).toContain('paid');

    const noReason = await cli(['credit', bistro.id, '10']);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toMatch(/--reason/);
    const credited = await json(['credit', bistro.id, '10', '--reason', 'sorry for the outage', '--key', 'cli-credit-0001']);
    expect(credited.created).toBe(true);
    expect((await json(['credit', bistro.id, '10', '--reason', 'sorry for the outage', '--key', 'cli-credit-0001'])).created).toBe(false);
    const audit = await cli(['audit', '--business', bistro.id, '--csv']);
    expect(audit.stdout).toContain('conversations.credited');
  });

  it('F.2: terminate asks for --yes; without credentials nothing works', async () => {
    const unsure = await cli(['terminate', bistro.id]);
    expect(unsure.code).toBe(1);
    expect(unsure.stderr).toMatch(/--yes/);
    expect((await json(['show', bistro.id])).business.status).toBe('active');
    const anonymous = await cli(['list'], null);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/OPS_CREDENTIAL/);
    const wrong = await cli(['list'], `${TEST_OPERATOR.name}:not-the-secret-0123456789abcdef`);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/401/);
  });
});
