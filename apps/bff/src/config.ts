import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CatalogJsonSchema } from './modules/billing/catalog.ts';
import { DEFAULT_OPT_IN_KEYWORDS, DEFAULT_OPT_OUT_KEYWORDS } from './modules/optouts/opt-out-keywords.ts';
import { QuietHoursJsonSchema } from './modules/campaigns/quiet-hours.ts';

const list = z.string().transform((s) => s.split(/[\s,]+/).filter(Boolean));
const url = z.url().transform((s) => s.replace(/\/+$/, ''));
/** Comma-only list: keywords may contain spaces ("STOP ALL"). */
const commaList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1));

export const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    /** PostgreSQL; when unset the embedded PGlite in PGLITE_DATA_DIR is used. */
    DATABASE_URL: z.string().optional(),
    PGLITE_DATA_DIR: z.string().default(fileURLToPath(new URL('../../../.data/pglite', import.meta.url))),

    /** Where Kaleyra and LiveChat reach this BFF (callback URLs are built from it). */
    PUBLIC_BASE_URL: url.default('http://127.0.0.1:3000'),

    LIVECHAT_ACCOUNTS_URL: url.default('https://accounts.livechat.com'),
    LIVECHAT_BILLING_URL: url.default('https://billing.livechatinc.com'),
    LIVECHAT_CLIENT_ID: z.string().min(1),
    /** LiveChat's chat APIs (Customer/Agent Chat, Configuration API v3.6) for WhatsApp chats in LiveChat. */
    LIVECHAT_API_URL: url.default('https://api.livechatinc.com'),
    /** The app's client secret: exchanges the relay's authorization code and renews its refresh token. Unset: the relay cannot be connected. */
    LIVECHAT_CLIENT_SECRET: z.string().min(1).optional(),
    /** `secret_key` of the app's chat webhooks (`pnpm ops livechat-webhooks register`); unset: chat webhooks get 401. */
    LIVECHAT_CHAT_WEBHOOK_SECRET: z.string().min(24, 'must be at least 24 random characters').optional(),
    /** Unguessable path segment of the LiveChat app webhook (the webhooks carry no signature). */
    APP_WEBHOOK_SECRET: z.string().min(24, 'must be at least 24 random characters'),

    KALEYRA_BASE_URL: url.default('https://api.kaleyra.io'),
    KALEYRA_SID: z.string().min(1),
    KALEYRA_API_KEY: z.string().min(1),
    KALEYRA_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),

    /** Origins allowed to frame the widget (CSP frame-ancestors). */
    FRAME_ANCESTORS: list.default(['https://my.livechatinc.com', 'https://my.livechat.com']),
    TERMS_URL: url.default('https://www.livechat.com/legal/whatsapp-business-terms/'),
    TERMS_VERSION: z.string().default('2024-05-09'),
    /** Effective date of TERMS_VERSION (YYYY-MM-DD); unset: TERMS_VERSION itself, which is a date. Businesses that started earlier stay on the earlier version. */
    TERMS_EFFECTIVE_DATE: z.iso.date().optional(),
    /** The earlier terms, for businesses that started before TERMS_EFFECTIVE_DATE (the terms' "History of changes"). */
    TERMS_EARLIER_URL: url.optional(),
    /**
     * Operators of the /ops API and `pnpm ops`: `name:secret` pairs, comma-separated; each secret at least
     * 24 random characters. Unset: the operator surface answers 404. Never LiveChat tokens.
     */
    OPS_CREDENTIALS: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (!raw) return [] as { name: string; secret: string }[];
        const out: { name: string; secret: string }[] = [];
        for (const pair of raw
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)) {
          const i = pair.indexOf(':');
          const name = i > 0 ? pair.slice(0, i) : '';
          const secret = i > 0 ? pair.slice(i + 1) : '';
          if (!/^[a-z0-9][a-z0-9._-]{0,39}$/i.test(name))
            ctx.addIssue({ code: 'custom', message: 'each entry is name:secret, name of letters, digits, dot, dash, underscore' });
          else if (secret.length < 24)
            ctx.addIssue({ code: 'custom', message: `the secret of operator "${name}" must be at least 24 characters` });
          else out.push({ name, secret });
        }
        return out;
      }),
    /** Failed operator sign-ins allowed per client address per 15 minutes before /ops answers 429. */
    OPS_AUTH_FAILURES_PER_15_MIN: z.coerce.number().int().min(1).default(10),
    /** How often plan cancellations owed to LiveChat (uninstall, refund) are retried. */
    PLAN_CANCELLATION_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),

    /** Conversation categories that draw from the prepaid package (docs/billing.md, "Conversation accounting"). */
    CHARGED_CATEGORIES: list
      .pipe(z.array(z.enum(['marketing', 'utility', 'authentication', 'service'])))
      .default(['marketing', 'utility', 'authentication', 'service']),
    CONVERSATION_WINDOW_HOURS: z.coerce.number().positive().default(24),
    /**
     * Whole messages (or quick-reply taps) that opt a customer out (F.4) / back in, comma-separated; matched
     * ignoring case, accents, spacing and punctuation (see modules/optouts/opt-out-keywords.ts).
     */
    OPT_OUT_KEYWORDS: commaList.default(DEFAULT_OPT_OUT_KEYWORDS),
    OPT_IN_KEYWORDS: commaList.default(DEFAULT_OPT_IN_KEYWORDS),

    /** Plans and conversation packages with their prices (F.1), as JSON; unset: the defaults in modules/billing/catalog.ts. */
    CATALOG_JSON: CatalogJsonSchema,
    /**
     * 32 random bytes (base64 or hex) that encrypt, with AES-256-GCM, the LiveChat token the billing sync keeps while
     * an organization has charges to watch (docs/billing.md). Required in production; elsewhere a per-process key.
     */
    BILLING_TOKEN_KEY: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (!raw) return null;
        const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
        if (key.length !== 32) {
          ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, base64 or hex (openssl rand -base64 32)' });
          return z.NEVER;
        }
        return key;
      }),
    /** How often the background billing sync re-checks charges with LiveChat. */
    BILLING_SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** A charge the owner never approved is cancelled by the sync after this long. */
    BILLING_PENDING_TTL_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(24 * 60),
    /** Create LiveChat test charges (nothing is collected): for staging. */
    BILLING_TEST_CHARGES: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),

    // ---- campaigns ----
    /** Quiet hours of marketing campaigns (D.5) as JSON; unset: the defaults in modules/campaigns/quiet-hours.ts. */
    QUIET_HOURS_POLICY_JSON: QuietHoursJsonSchema,
    /** Messages per second one WhatsApp number may send (Meta: 80; 1,000 after an upgrade). */
    CAMPAIGN_NUMBER_RATE_PER_SECOND: z.coerce.number().positive().default(80),
    /** Kaleyra's account-wide pace, shared by every organization (about 50,000 requests per 5 minutes). */
    KALEYRA_ACCOUNT_RATE_PER_SECOND: z.coerce.number().positive().default(166),
    /** Share of those limits campaigns aim at, so network jitter does not trip the provider's counter. */
    CAMPAIGN_PACE_SAFETY: z.coerce.number().min(0.5).max(1).default(0.98),
    /** At most one message per this many seconds to one recipient from one number (Meta's pair rate, 131056). */
    CAMPAIGN_PAIR_INTERVAL_SECONDS: z.coerce.number().min(0).default(6),
    /** A recipient claimed this long ago without an outcome belongs to a dead instance; default Kaleyra timeout + 20 s. */
    CAMPAIGN_CLAIM_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    /** Dispatch jobs per campaign; instances share a campaign through them. */
    CAMPAIGN_DISPATCH_LANES: z.coerce.number().int().min(1).max(16).default(2),
    /**
     * A send whose outcome is unknown (handed to Kaleyra, answer lost) waits this long for Kaleyra's status
     * callbacks before it is sent again (campaigns, v2) or closed as failed (one-on-one, and v1 without a ref).
     */
    SEND_CONFIRM_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    CAMPAIGN_MAX_ROWS: z.coerce.number().int().positive().default(100_000),

    WIDGET_DIST: z.string().default(fileURLToPath(new URL('../../widget/dist', import.meta.url))),
    /** Run background workers (pg-boss) in this process. */
    WORKERS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Development and e2e only: mirror the sandbox's seeded organizations into the database at start. */
    DEV_SEED_SANDBOX_URL: url.optional(),
    /** Development only: the catalog plan the seeded numbers pay for (the benchmark seeds the Full plan). */
    DEV_SEED_PLAN: z.string().default('standard'),
    /** API requests per organization per minute, counted in PostgreSQL: the budget is shared by every instance. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
    /**
     * How long an instance reuses an organization's row for authenticated requests before reading it again. Writes
     * in the same instance clear it at once; other instances see them within this time. Sends and money re-check in
     * their transaction (docs/billing.md, "The balance").
     */
    ORG_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    /** When the ledger's invariant check runs (account row = sum of entries; docs/operations.md). */
    LEDGER_VERIFY_CRON: z.string().default('41 2 * * *'),
    TEMPLATE_SYNC_CRON: z.string().default('*/15 * * * *'),

    // ---- privacy ----
    /**
     * Key of the keyed hash (HMAC-SHA256) that replaces an erased phone number (L.11b), at least 32 characters.
     * Unset: derived from APP_WEBHOOK_SECRET. Changing it makes earlier erased opt-outs unmatchable: keep it.
     */
    PRIVACY_HASH_KEY: z.string().min(32).optional(),
    /** Message and campaign metadata older than this many months is purged (docs/privacy.md, "Data retention"). */
    RETENTION_METADATA_MONTHS: z.coerce.number().int().min(1).default(13),
    /** Ledger entries and charges (bills) are kept this many years, the accounting period. */
    RETENTION_ACCOUNTING_YEARS: z.coerce.number().int().min(1).default(6),
    RETENTION_CRON: z.string().default('23 3 * * *'),
    /** How often one-on-one sends interrupted by a stopped process are closed and their conversation given back. */
    INTERRUPTED_SENDS_CRON: z.string().default('* * * * *'),
    /** How often requested business-data deletions are looked for (L.11b). */
    BUSINESS_DELETION_CRON: z.string().default('*/5 * * * *'),

    // ---- operations: metrics and shutdown ----
    /** Bearer token that /metrics requires (at least 24 characters). Unset: /metrics answers 404. */
    METRICS_TOKEN: z.string().min(24, 'must be at least 24 random characters').optional(),
    /**
     * How often pg-boss's supervision runs (one instance at a time): jobs of an instance that died (their heartbeat
     * stopped) or that expired are retried at the next pass.
     */
    QUEUE_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
    /** On SIGTERM: how long in-flight requests and running jobs get before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(25_000),
  })
  .superRefine((c, ctx) => {
    // The terms' version history counts from a date: TERMS_VERSION is one, unless it is a name.
    if (!c.TERMS_EFFECTIVE_DATE && !/^\d{4}-\d{2}-\d{2}$/.test(c.TERMS_VERSION)) {
      ctx.addIssue({ code: 'custom', path: ['TERMS_EFFECTIVE_DATE'], message: 'required when TERMS_VERSION is not a date (YYYY-MM-DD)' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(cleaned);
  // Production's refusals are reported together with the schema's, so one start names every variable to fix.
  const production = cleaned.NODE_ENV === 'production' ? productionProblems(cleaned) : [];
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError([...issues, ...production.filter((p) => !issues.some((i) => i.split(':')[0] === p.split(':')[0]))]);
  }
  if (production.length) throw new ConfigError(production);
  return result.data;
}

/** Secrets that the development scripts, the sandbox and the tests use: never valid in production. */
const KNOWN_DEVELOPMENT_SECRETS = [/^dev-/, /^test-/, /^sandbox-/, /^process-kit-/, /0123456789abcdef$/];

/**
 * What NODE_ENV=production refuses: settings whose development default is harmless on a laptop and harmful in
 * production (a per-process key, a key derived from another secret, the embedded database, a sandbox's
 * secrets). Each problem names its variable.
 */
export function productionProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const need = (name: string, why: string) => {
    if (!env[name]) problems.push(`${name}: required in production (${why})`);
  };
  need('DATABASE_URL', 'PostgreSQL; the embedded PGlite is for development');
  need('PUBLIC_BASE_URL', 'the public https URL LiveChat and Kaleyra call; the default is this machine');
  need(
    'BILLING_TOKEN_KEY',
    'otherwise a per-process random key: sealed billing tokens would not survive a restart or be readable by other instances; openssl rand -base64 32',
  );
  need(
    'PRIVACY_HASH_KEY',
    'otherwise derived from APP_WEBHOOK_SECRET, so rotating that secret would unmatch erased opt-outs; openssl rand -base64 32',
  );
  if (env.DEV_SEED_SANDBOX_URL) problems.push('DEV_SEED_SANDBOX_URL: development only; unset it in production');
  const secrets: [string, string | undefined][] = [
    ['APP_WEBHOOK_SECRET', env.APP_WEBHOOK_SECRET],
    ['KALEYRA_API_KEY', env.KALEYRA_API_KEY],
    ['LIVECHAT_CHAT_WEBHOOK_SECRET', env.LIVECHAT_CHAT_WEBHOOK_SECRET],
    ['LIVECHAT_CLIENT_SECRET', env.LIVECHAT_CLIENT_SECRET],
    ['PRIVACY_HASH_KEY', env.PRIVACY_HASH_KEY],
    ['METRICS_TOKEN', env.METRICS_TOKEN],
    ...(env.OPS_CREDENTIALS ?? '').split(',').map((p) => ['OPS_CREDENTIALS', p.slice(p.indexOf(':') + 1).trim()] as [string, string]),
  ];
  for (const [name, value] of secrets) {
    if (value && KNOWN_DEVELOPMENT_SECRETS.some((re) => re.test(value)))
      problems.push(`${name}: a development or sandbox value; use a random secret in production`);
  }
  return [...new Set(problems)];
}
