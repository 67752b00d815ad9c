import { z } from 'zod';

/**
 * Build-time public settings. Only VITE_* values reach the bundle, and none of them is a secret: the runtime
 * configuration (Accounts URL, client id, terms) comes from GET /api/public-config.
 */
const EnvSchema = z.object({
  /** Where the BFF's /api lives. Empty: the same origin that serves the widget (the normal deployment). */
  VITE_API_BASE_URL: z
    .string()
    .default('')
    .transform((s) => s.replace(/\/+$/, '')),
  /** How long to wait for the sign-in popup before giving up. */
  VITE_SIGN_IN_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
});

export const env = EnvSchema.parse(import.meta.env);
