import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export interface SandboxConfig {
  /** Where the widget app is served; the host page loads `${widgetBaseUrl}/widget/details.html` etc. */
  widgetBaseUrl: string;
  /** Where LiveChat app webhooks are POSTed. Empty means "not configured" (deliveries are recorded as skipped). */
  appWebhookUrl: string;
  kaleyraSid: string;
  kaleyraApiKey: string;
  livechatClientId: string;
  /** The app's client secret: the authorization-code and refresh grants must present it. */
  livechatClientSecret: string;
  kaleyraCallbackDelayMs: number;
  kaleyraRateLimitPerSecond: number;
  /** v2 ref de-duplication (24 h); off to test that the app never needs it. */
  kaleyraDedupeRefs: boolean;
  /** How long undelivered status callbacks are retried (0: two quick retries). */
  kaleyraCallbackRetrySeconds: number;
  /** plugin_id the host page gives the widgets. */
  pluginId: string;
  /** One log line per request (never headers). */
  log: boolean;
  /** How long `fail-next timeout` keeps a send request hanging. */
  timeoutHangMs: number;
  /** Delay between a direct charge becoming `processed` and settling as `success`/`failed`. */
  billingSettleDelayMs: number;
  /** Directory holding the built host page (index.html + assets). */
  webDir: string;
}

export const defaultConfig: SandboxConfig = {
  widgetBaseUrl: 'http://127.0.0.1:3000',
  appWebhookUrl: '',
  kaleyraSid: 'HXSANDBOX01',
  kaleyraApiKey: 'sandbox-kaleyra-key',
  livechatClientId: 'wa-livechat-app',
  livechatClientSecret: 'sandbox-client-secret',
  kaleyraCallbackDelayMs: 250,
  kaleyraRateLimitPerSecond: 80,
  kaleyraDedupeRefs: true,
  kaleyraCallbackRetrySeconds: 0,
  pluginId: 'whatsapp-business',
  log: true,
  timeoutHangMs: 35_000,
  billingSettleDelayMs: 200,
  webDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
};

const optionalUrl = z.union([z.literal(''), z.url()]);
const intFromEnv = (min: number) => z.coerce.number().int().min(min);

const EnvSchema = z.object({
  SANDBOX_PORT: intFromEnv(0).max(65535).default(4010),
  WIDGET_BASE_URL: z.url().default(defaultConfig.widgetBaseUrl),
  APP_WEBHOOK_URL: optionalUrl.default(''),
  KALEYRA_SID: z.string().min(1).default(defaultConfig.kaleyraSid),
  KALEYRA_API_KEY: z.string().min(1).default(defaultConfig.kaleyraApiKey),
  LIVECHAT_CLIENT_ID: z.string().min(1).default(defaultConfig.livechatClientId),
  LIVECHAT_CLIENT_SECRET: z.string().min(1).default(defaultConfig.livechatClientSecret),
  KALEYRA_CALLBACK_DELAY_MS: intFromEnv(0).default(defaultConfig.kaleyraCallbackDelayMs),
  KALEYRA_RATE_LIMIT_PER_SECOND: intFromEnv(1).default(defaultConfig.kaleyraRateLimitPerSecond),
  KALEYRA_DEDUPE_REFS: z.enum(['true', 'false']).default(defaultConfig.kaleyraDedupeRefs ? 'true' : 'false'),
  KALEYRA_CALLBACK_RETRY_SECONDS: intFromEnv(0).default(defaultConfig.kaleyraCallbackRetrySeconds),
  SANDBOX_LOG: z.enum(['0', '1', 'true', 'false']).default('1'),
});

export interface LoadedEnv {
  port: number;
  config: SandboxConfig;
}

/** Parses env; throws an Error naming every bad variable. Empty strings count as "unset". */
export function loadEnv(env: NodeJS.ProcessEnv): LoadedEnv {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    // APP_WEBHOOK_URL may legitimately be empty; the others fall back to defaults.
    if (value !== undefined && (value !== '' || key === 'APP_WEBHOOK_URL')) cleaned[key] = value;
  }
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid sandbox environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.SANDBOX_PORT,
    config: {
      ...defaultConfig,
      widgetBaseUrl: e.WIDGET_BASE_URL.replace(/\/+$/, ''),
      appWebhookUrl: e.APP_WEBHOOK_URL,
      kaleyraSid: e.KALEYRA_SID,
      kaleyraApiKey: e.KALEYRA_API_KEY,
      livechatClientId: e.LIVECHAT_CLIENT_ID,
      livechatClientSecret: e.LIVECHAT_CLIENT_SECRET,
      kaleyraCallbackDelayMs: e.KALEYRA_CALLBACK_DELAY_MS,
      kaleyraRateLimitPerSecond: e.KALEYRA_RATE_LIMIT_PER_SECOND,
      kaleyraDedupeRefs: e.KALEYRA_DEDUPE_REFS === 'true',
      kaleyraCallbackRetrySeconds: e.KALEYRA_CALLBACK_RETRY_SECONDS,
      log: e.SANDBOX_LOG === '1' || e.SANDBOX_LOG === 'true',
    },
  };
}
