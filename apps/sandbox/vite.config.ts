import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Builds the agent-app host page (web/) into dist/web; the sandbox serves index.html at / and assets under /_host/.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/_host/',
  // @livechat/postmessage reads process.env.NODE_ENV at runtime.
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  logLevel: 'warn',
});
