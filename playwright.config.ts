import { defineConfig } from '@playwright/test';

// E2E_PORT_OFFSET lets several checkouts run the suite side by side on one machine.
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
const sandboxPort = 4110 + offset;
const bffPort = 3110 + offset;
process.env.E2E_SANDBOX_URL = `http://localhost:${sandboxPort}`;
process.env.E2E_BFF_URL = `http://127.0.0.1:${bffPort}`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://localhost:${sandboxPort}`,
    viewport: { width: 1440, height: 900 },
    actionTimeout: 15_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
      // Keep Chromium's popup blocker on, as in real browsers: the sign-in popup must survive it.
      ignoreDefaultArgs: ['--disable-popup-blocking'],
    },
  },
  webServer: {
    command: 'node scripts/dev.mjs --no-build --fresh',
    url: `http://127.0.0.1:${bffPort}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    env: {
      PORT: String(bffPort),
      SANDBOX_PORT: String(sandboxPort),
      PGLITE_DATA_DIR: `.data/e2e-pglite-${bffPort}`,
      QUIET: '1',
      LOG_LEVEL: 'warn',
      KALEYRA_CALLBACK_DELAY_MS: '150',
      // The billing sync's pass, so a plan moved to past_due in LiveChat reaches us within the test's patience.
      BILLING_SYNC_INTERVAL_SECONDS: '2',
    },
  },
});
