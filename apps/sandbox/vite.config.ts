import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Builds the agent-app host page and the WhatsApp phone page (web/) into dist/web; the sandbox serves index.html at
// /, phone.html at /phone, and their assets under /_host/.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/_host/',
  // @livechat/postmessage reads process.env.NODE_ENV at runtime.
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        host: fileURLToPath(new URL('./web/index.html', import.meta.url)),
        phone: fileURLToPath(new URL('./web/phone.html', import.meta.url)),
      },
    },
  },
  logLevel: 'warn',
});
