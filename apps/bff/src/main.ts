import { parseConfig, ConfigError } from './config.ts';
import { createApp } from './app.ts';
import { openDatabase } from './db/client.ts';
import { registerJobs } from './jobs.ts';
import { createLogger } from './lib/logger.ts';
import { AccountsClient } from './providers/livechat-accounts/accounts.client.ts';
import { KaleyraClient } from './providers/kaleyra/kaleyra.client.ts';
import { startQueue } from './queue/queue.ts';
import { BillingClient } from './providers/livechat-billing/billing.client.ts';
import { seedFromSandbox } from './dev/seed-from-sandbox.ts';

async function main() {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.PGLITE_DATA_DIR });
  const accounts = new AccountsClient(config.LIVECHAT_ACCOUNTS_URL);
  const kaleyra = new KaleyraClient({
    baseUrl: config.KALEYRA_BASE_URL,
    sid: config.KALEYRA_SID,
    apiKey: config.KALEYRA_API_KEY,
    timeoutMs: config.KALEYRA_TIMEOUT_MS,
  });
  const { app, services } = createApp({ config, database, log, accounts, kaleyra });
  if (config.DEV_SEED_SANDBOX_URL) {
    const billing = new BillingClient(config.LIVECHAT_BILLING_URL);
    await seedFromSandbox({ sandboxUrl: config.DEV_SEED_SANDBOX_URL, database, services, billing, config, log });
  }
  const queue = config.WORKERS ? await startQueue(database, log) : null;
  if (queue) await registerJobs(queue, { database, services, log, config });

  const server = app.listen(config.PORT, config.HOST, () => {
    log.info({ port: config.PORT, database: database.kind }, 'bff listening');
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    await queue?.stop({ graceful: true, timeout: 5_000 }).catch(() => {});
    await database.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
