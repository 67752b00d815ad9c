import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * The production build: one ESM bundle per entry under dist/ (`node dist/main.js`), workspace packages
 * (contracts, shipped as TypeScript) bundled in, npm dependencies left to node_modules. The SQL migrations go
 * to dist/migrations, where the bundled database client looks for them (next to itself, as in src/db/).
 * Paths the config resolves from the module's own location (the widget build, the PGlite folder) work from dist/
 * because it sits at the same depth as src/.
 */
export default defineConfig((cli) => {
  const outDir = cli.outDir ?? 'dist';
  return {
    entry: { main: 'src/main.ts', 'ops-cli': 'src/ops-cli.ts' },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    bundle: true,
    splitting: true,
    sourcemap: true,
    clean: true,
    dts: false,
    noExternal: [/^@wa\//],
    tsconfig: 'tsconfig.json',
    async onSuccess() {
      const target = join(outDir, 'migrations');
      rmSync(target, { recursive: true, force: true });
      cpSync('src/db/migrations', target, { recursive: true });
    },
  };
});
