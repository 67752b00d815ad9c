import { z } from 'zod';
import { namedObject } from './schema-builders.ts';

/** Health, readiness and the configuration the widget reads before sign-in. */

export const HealthResponseSchema = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });

/** Readiness (200 ready, 503 not): what was checked, and in words what is not ready. */
export const ReadinessResponseSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  ready: z.boolean(),
  checks: z.object({
    database: z.enum(['ok', 'unreachable']),
    migrations: z.enum(['ok', 'pending', 'unknown']),
    queue: z.enum(['not_run_here', 'starting', 'started', 'stopped']),
    shutdown: z.enum(['no', 'in_progress']),
  }),
  notReady: z.array(z.string()),
});

/** What the widget needs before sign-in. Served by the BFF so one widget build runs against any environment. */
export const PublicConfigSchema = namedObject('PublicConfig', {
  accountsUrl: z.url(),
  clientId: z.string(),
  termsUrl: z.url(),
  termsVersion: z.string(),
});
export type PublicConfig = z.infer<typeof PublicConfigSchema>;
