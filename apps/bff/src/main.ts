import { parseConfig, ConfigError } from './config.ts';
import { createApp } from './app.ts';
import { openDatabase } from './db/client.ts';
import { registerJobs } from './jobs.ts';
import { createLogger } from './lib/logger.ts';
import { exitOnFatalErrors } from './lib/process-errors.ts';
import { AccountsClient } from './providers/livechat-accounts/accounts.client.ts';
import { KaleyraClient } from './providers/kaleyra/kaleyra.client.ts';
import { startQueue } from './queue/queue.ts';
import { BillingClient } from './providers/livechat-billing/billing.client.ts';
import { seedFromSandbox } from './dev/seed-from-sandbox.ts';
import { seedRelayFromSandbox } from './dev/seed-relay.ts';
import { gracefulShutdown } from './lib/shutdown.ts';
import { Readiness } from './modules/health/readiness.ts';

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
  exitOnFatalErrors(log);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.PGLITE_DATA_DIR });
  const accounts = new AccountsClient(config.LIVECHAT_ACCOUNTS_URL);
  const kaleyra = new KaleyraClient({
    baseUrl: config.KALEYRA_BASE_URL,
    sid: config.KALEYRA_SID,
    apiKey: config.KALEYRA_API_KEY,
    timeoutMs: config.KALEYRA_TIMEOUT_MS,
  });
  const readiness = new Readiness(config.WORKERS);
  const { app, services } = createApp({ config, database, log, accounts, kaleyra, readiness });
  if (config.DEV_SEED_SANDBOX_URL) {
    const billing = new BillingClient(config.LIVECHAT_BILLING_URL);
    await seedFromSandbox({ sandboxUrl: config.DEV_SEED_SANDBOX_URL, database, services, billing, config, log });
    await seedRelayFromSandbox({ sandboxUrl: config.DEV_SEED_SANDBOX_URL, services, config, log });
  }
  const queue = config.WORKERS ? await startQueue(database, log, { superviseSeconds: config.QUEUE_SUPERVISE_SECONDS }) : null;
  if (queue) {
    await registerJobs(queue, { database, services, log, config });
    readiness.queue = 'started';
    queue.on('stopped', () => (readiness.queue = 'stopped'));
  }

  const server = app.listen(config.PORT, config.HOST, () => {
    log.info({ port: config.PORT, database: database.kind, workers: config.WORKERS, env: config.NODE_ENV }, 'bff listening');
  });
  // Longer than the idle timeout of the load balancers in front (60 s is common) and of HTTP clients: the side
  // that closes an idle connection must be the client, or a request sent as the server closes it is reset.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const stop = gracefulShutdown({
    server,
    queue,
    beforeQueueStop: () => services.campaignDispatcher.stop(),
    database,
    readiness,
    log,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
