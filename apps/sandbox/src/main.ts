import { createSandbox } from './app.ts';
import { loadEnv } from './config.ts';

let loaded;
try {
  loaded = loadEnv(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const sandbox = createSandbox(loaded.config);
const { port } = await sandbox.listen(loaded.port, '0.0.0.0');
const c = loaded.config;
console.log(
  [
    `[sandbox] LiveChat + Kaleyra sandbox listening on http://localhost:${port}`,
    `[sandbox]   agent app host page  http://localhost:${port}/`,
    `[sandbox]   widgets              ${c.widgetBaseUrl}/widget/details.html, /widget/fullscreen.html`,
    `[sandbox]   accounts / billing   http://localhost:${port} (client_id ${c.livechatClientId})`,
    `[sandbox]   kaleyra              http://localhost:${port}/v1|v2/${c.kaleyraSid}`,
    `[sandbox]   app webhooks         ${c.appWebhookUrl || '(not set; PUT /sandbox/app-webhook)'}`,
  ].join('\n'),
);

const shutdown = (signal: string) => {
  console.log(`[sandbox] ${signal}, shutting down`);
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
