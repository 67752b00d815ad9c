import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = decodeURIComponent(new URL('.', import.meta.url).pathname);
const page = (name: string) => decodeURIComponent(new URL(`./${name}.html`, import.meta.url).pathname);

export default defineConfig(({ mode }) => ({
  root,
  base: '/widget/',
  plugins: [react()],
  resolve: {
    // The Accounts SDK's popup flow needs only flat stringify/parse from qs; see the shim.
    alias: [{ find: /^qs$/, replacement: new URL('./src/lib/auth/qs-shim.ts', import.meta.url).pathname }],
  },
  // @livechat/postmessage reads process.env.NODE_ENV at runtime.
  define: { 'process.env.NODE_ENV': JSON.stringify(mode === 'production' ? 'production' : 'development') },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      // Separate entries, so the sidebar never loads fullscreen-only code. The bundle-size floor page is built by
      // vite.floor.config.ts, never shipped here.
      input: { details: page('details'), fullscreen: page('fullscreen') },
      output: {
        // Name the shared vendor chunks after what they hold, so the size report and the network panel read well.
        // Only packages every page loads up front are grouped; lazily loaded ones keep their own chunks.
        advancedChunks: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'tanstack-query', test: /node_modules[\\/]@tanstack[\\/]/ },
            {
              name: 'livechat-sdk',
              test: /node_modules[\\/](@livechat[\\/](agent-app-sdk|widget-core-sdk|postmessage|data-utils|mitt|promise-try)|mitt)[\\/]/,
            },
            {
              name: 'design-system',
              test: /node_modules[\\/](@livechat[\\/]design-system-|@floating-ui|react-virtuoso|react-day-picker|date-fns|@date-fns|clsx|lodash\.|react-transition-group|dom-helpers|tabbable|polished|@babel[\\/]runtime|prop-types|react-is|object-assign)/,
            },
            { name: 'zod', test: /node_modules[\\/]zod[\\/]/ },
            { name: 'libphonenumber', test: /node_modules[\\/]libphonenumber-js[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  preview: { port: 4173 },
}));
