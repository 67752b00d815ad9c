import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

const random = (n: number) => Array.from({ length: n }, (_, i) => 'QkZGcHJvZHVjdGlvbktleQ'[i % 22]).join('') + n;

/** A production environment with every secret set to a non-development value. */
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://wa@db.internal:5432/whatsapp',
  PUBLIC_BASE_URL: 'https://wa.example.com',
  LIVECHAT_CLIENT_ID: 'a1b2c3d4e5f6',
  APP_WEBHOOK_SECRET: random(40),
  KALEYRA_SID: 'HX0000000000',
  KALEYRA_API_KEY: random(32),
  BILLING_TOKEN_KEY: Buffer.alloc(32, 7).toString('base64'),
  PRIVACY_HASH_KEY: random(44),
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

describe('production configuration', () => {
  it('starts with every production setting given', () => {
    expect(problemsOf(production)).toEqual([]);
    expect(parseConfig(production).SHUTDOWN_TIMEOUT_MS).toBe(25_000);
  });

  it('refuses each development default, naming the variable', () => {
    for (const name of ['DATABASE_URL', 'PUBLIC_BASE_URL', 'BILLING_TOKEN_KEY', 'PRIVACY_HASH_KEY']) {
      const problems = problemsOf({ ...production, [name]: undefined });
      expect(problems, name).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name}: required in production`));
    }
  });

  it('refuses the development and sandbox secrets and the development seed', () => {
    const problems = problemsOf({
      ...production,
      APP_WEBHOOK_SECRET: 'dev-app-webhook-secret-0123456789abcdef',
      KALEYRA_API_KEY: 'sandbox-kaleyra-key',
      OPS_CREDENTIALS: `alice:${random(30)},dev-operator:dev-operator-secret-0123456789abcdef`,
      METRICS_TOKEN: 'test-metrics-token-0123456789abcdef',
      DEV_SEED_SANDBOX_URL: 'http://127.0.0.1:4010',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'APP_WEBHOOK_SECRET',
      'DEV_SEED_SANDBOX_URL',
      'KALEYRA_API_KEY',
      'METRICS_TOKEN',
      'OPS_CREDENTIALS',
    ]);
  });

  it('leaves development and tests their defaults', () => {
    const { DATABASE_URL: _d, PUBLIC_BASE_URL: _p, BILLING_TOKEN_KEY: _b, PRIVACY_HASH_KEY: _h, ...rest } = production;
    expect(problemsOf({ ...rest, NODE_ENV: 'development', APP_WEBHOOK_SECRET: 'dev-app-webhook-secret-0123456789abcdef' })).toEqual([]);
    expect(problemsOf({ ...rest, NODE_ENV: 'test', DEV_SEED_SANDBOX_URL: 'http://127.0.0.1:4010' })).toEqual([]);
  });

  it('wants a metrics token long enough to be a secret', () => {
    expect(problemsOf({ ...production, METRICS_TOKEN: 'short' })[0]).toMatch(/^METRICS_TOKEN:/);
  });
});
