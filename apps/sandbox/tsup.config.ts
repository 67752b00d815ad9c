import { defineConfig } from 'tsup';

/**
 * The sandbox server as JavaScript (`node dist/main.js`); Vite builds the agent-app host page into dist/web, so
 * this build must not empty dist/.
 */
export default defineConfig((cli) => ({
  entry: { main: 'src/main.ts' },
  outDir: cli.outDir ?? 'dist',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  bundle: true,
  sourcemap: true,
  clean: false,
  dts: false,
  noExternal: [/^@wa\//],
}));
