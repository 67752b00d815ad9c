import { randomBytes } from 'node:crypto';
import type { SeedAccount, SeedOrganization } from '../seed.ts';
import { findAccount, type SandboxContext, type TokenRecord } from '../state.ts';

/**
 * What the app's manifest asks for: billing, the account, and what a chat integration needs (customer identities
 * through the agent-token grant, chats, chat webhooks, its bot, groups).
 */
export const DEFAULT_SCOPE =
  'billing_manage--all accounts--my:ro customers:own chats--all:rw webhooks.configuration:rw agents-bot--my:rw groups--all:ro';
export const DEFAULT_EXPIRES_IN = 3600;

export function randomToken(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

export function issueToken(
  ctx: SandboxContext,
  input: {
    account_id: string;
    organization_id: string;
    client_id?: string | undefined;
    expires_in?: number | undefined;
    scope?: string | undefined;
  },
): TokenRecord {
  const expiresIn = input.expires_in ?? DEFAULT_EXPIRES_IN;
  const record: TokenRecord = {
    // Real LiveChat tokens carry a region prefix ("dal:"); keep the look, the content is opaque.
    access_token: randomToken('dal:'),
    account_id: input.account_id,
    organization_id: input.organization_id,
    client_id: input.client_id || ctx.config.livechatClientId,
    scope: input.scope ?? DEFAULT_SCOPE,
    expires_at: Date.now() + expiresIn * 1000,
    refresh_token: randomToken('dal:r_'),
  };
  ctx.state.tokens.set(record.access_token, record);
  ctx.state.refreshTokens.set(record.refresh_token, record.access_token);
  return record;
}

/** Seconds left, never negative. */
export function secondsLeft(token: TokenRecord): number {
  return Math.max(0, Math.floor((token.expires_at - Date.now()) / 1000));
}

export type TokenCheck =
  | { ok: true; token: TokenRecord; account: SeedAccount; organization: SeedOrganization }
  | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

export function checkToken(ctx: SandboxContext, raw: string | null): TokenCheck {
  if (!raw) return { ok: false, reason: 'missing' };
  const token = ctx.state.tokens.get(raw);
  if (!token) return { ok: false, reason: 'unknown' };
  if (token.expires_at <= Date.now()) return { ok: false, reason: 'expired' };
  const found = findAccount(token.account_id);
  if (!found) return { ok: false, reason: 'unknown' };
  return { ok: true, token, ...found };
}

export function tokenErrorDescription(reason: 'missing' | 'unknown' | 'expired'): string {
  switch (reason) {
    case 'missing':
      return 'Missing bearer token';
    case 'expired':
      return 'Access token expired';
    case 'unknown':
      return 'Invalid access token';
  }
}
