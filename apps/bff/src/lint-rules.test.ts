import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
// Imports must name files that exist: the linter checks where an import resolves to.
const eslint = new ESLint({ cwd: root });

/** The rules each piece of code breaks, as ESLint reports them for `code` placed at `filePath`. */
async function rulesBroken(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

// The boundaries are kept by the linter, which `pnpm test` runs; these cases prove the linter's configuration
// really refuses each kind of crossing (a mistyped zone would otherwise let everything through in silence).
describe('the code base keeps its boundaries', () => {
  it.each([
    [
      'a BFF module reads another module’s repository',
      'apps/bff/src/modules/ops/probe.ts',
      "import { listCharges } from '../billing/billing.repo.ts';\nexport const x = listCharges;\n",
    ],
    [
      'lib/ imports a module',
      'apps/bff/src/lib/probe.ts',
      "import { Readiness } from '../modules/health/readiness.ts';\nexport const x = Readiness;\n",
    ],
    [
      'a widget feature imports another feature',
      'apps/widget/src/features/billing/probe.ts',
      "import { x as y } from '../campaigns/api/campaigns.ts';\nexport const x = y;\n",
    ],
    [
      'a widget feature imports app/',
      'apps/widget/src/features/billing/probe.ts',
      "import { queryClient } from '../../app/query-client.ts';\nexport const x = queryClient;\n",
    ],
    [
      'shared widget code imports a feature',
      'apps/widget/src/lib/probe.ts',
      "import { x as y } from '../features/billing/api/get-bills.ts';\nexport const x = y;\n",
    ],
  ])('refuses: %s', async (_what, filePath, code) => {
    expect(await rulesBroken(filePath, code)).toContain('import-x/no-restricted-paths');
  });

  it('lets a module use its own repository and another module’s service', async () => {
    const code =
      "import { findCharge } from './billing.repo.ts';\nimport { findNumber } from '../numbers/numbers.service.ts';\nexport const x = [findCharge, findNumber];\n";
    expect(await rulesBroken('apps/bff/src/modules/billing/probe.ts', code)).toEqual([]);
  });

  it('lets only lib/livechat import the agent-app SDK', async () => {
    const code = "import { createDetailsWidget } from '@livechat/agent-app-sdk';\nexport const x = createDetailsWidget;\n";
    expect(await rulesBroken('apps/widget/src/features/billing/probe.ts', code)).toContain('no-restricted-imports');
    expect(await rulesBroken('apps/widget/src/lib/livechat/probe.ts', code)).toEqual([]);
  });

  it('refuses a file name that is not kebab-case', async () => {
    expect(await rulesBroken('apps/bff/src/modules/ops/opsHelper.ts', 'export const x = 1;\n')).toContain(
      'check-file/filename-naming-convention',
    );
    expect(await rulesBroken('apps/bff/src/modules/ops/ops-helper.ts', 'export const x = 1;\n')).toEqual([]);
  });
});
