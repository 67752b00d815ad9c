import { defineConfig, mergeConfig, type ConfigEnv } from 'vite';
import widgetConfig from './vite.config.ts';

/**
 * The bundle-size floor: the same framework pieces as the widget, rendered trivially, so `pnpm --filter @wa/widget
 * size` can say how much JavaScript the sidebar adds on top. Built into dist-floor/, never into the shipped widget.
 */
export default defineConfig((env: ConfigEnv) => {
  const base = typeof widgetConfig === 'function' ? widgetConfig(env) : widgetConfig;
  const merged = mergeConfig(base, { build: { outDir: 'dist-floor', emptyOutDir: true } });
  merged.build.rolldownOptions = {
    ...merged.build.rolldownOptions,
    input: { floor: decodeURIComponent(new URL('./floor.html', import.meta.url).pathname) },
  };
  return merged;
});
