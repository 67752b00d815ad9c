import { createHash } from 'node:crypto';
import { ErrorCode, type Role } from '@wa/contracts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { AccountsPort } from '../../providers/livechat-accounts/accounts.port.ts';

export interface Identity {
  accountId: string;
  organizationId: string;
  name: string | null;
  email: string | null;
  role: Role;
}

const MANAGER_ROLES = new Map<string, Role>([
  ['owner', 'owner'],
  ['viceowner', 'admin'],
  ['administrator', 'admin'],
]);

/** Owners and administrators manage billing; everyone else is an agent. */
export function roleFrom(roles: { product: string; role: string }[]): Role {
  let best: Role = 'agent';
  for (const r of roles) {
    if (r.product !== 'livechat') continue;
    const mapped = MANAGER_ROLES.get(r.role);
    if (mapped === 'owner') return 'owner';
    if (mapped === 'admin') best = 'admin';
  }
  return best;
}

interface CacheEntry {
  identity: Identity;
  expiresAt: number;
}

/**
 * Verifies LiveChat access tokens against Accounts and caches the result until the token
 * expires. The cache is keyed by a hash, so tokens are not kept in memory in the clear.
 */
export class AuthService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maxEntries = 10_000;

  constructor(
    private readonly accounts: AccountsPort,
    private readonly clientId: string,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(token: string): Promise<Identity> {
    const key = createHash('sha256').update(token).digest('base64url');
    const hit = this.cache.get(key);
    if (hit) {
      if (hit.expiresAt > this.now()) return hit.identity;
      this.cache.delete(key);
      throw errors.unauthenticated('Your LiveChat session has expired. Sign in again.', ErrorCode.tokenExpired);
    }

    const info = await this.accounts.tokenInfo(token);
    if (!info.ok) {
      if (info.reason === 'unavailable') throw errors.upstream('LiveChat Accounts');
      throw errors.unauthenticated('Your LiveChat session is not valid. Sign in again.');
    }
    if (info.value.clientId !== this.clientId) {
      throw new DomainError(ErrorCode.foreignClient, 'Not signed in', 'This token was issued to another application.');
    }
    if (info.value.expiresIn <= 0) {
      throw errors.unauthenticated('Your LiveChat session has expired. Sign in again.', ErrorCode.tokenExpired);
    }
    const me = await this.accounts.me(token);
    if (!me.ok) {
      if (me.reason === 'unavailable') throw errors.upstream('LiveChat Accounts');
      throw errors.unauthenticated('Your LiveChat session is not valid. Sign in again.');
    }
    if (me.value.accountId !== info.value.accountId) throw errors.unauthenticated('Token and account do not match.');

    const identity: Identity = {
      accountId: info.value.accountId,
      organizationId: info.value.organizationId,
      name: me.value.name,
      email: me.value.email,
      role: roleFrom(me.value.roles),
    };
    if (this.cache.size >= this.maxEntries) this.evictExpired();
    this.cache.set(key, { identity, expiresAt: this.now() + info.value.expiresIn * 1000 });
    return identity;
  }

  /** When a token this service has verified expires (epoch ms); null when it is not (or no longer) cached. */
  expiresAt(token: string): number | null {
    const hit = this.cache.get(createHash('sha256').update(token).digest('base64url'));
    return hit ? hit.expiresAt : null;
  }

  private evictExpired() {
    const now = this.now();
    for (const [k, v] of this.cache) if (v.expiresAt <= now) this.cache.delete(k);
    if (this.cache.size >= this.maxEntries) this.cache.clear();
  }
}
