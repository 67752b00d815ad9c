export interface TokenInfo {
  accountId: string;
  organizationId: string;
  clientId: string;
  scope: string;
  /** Seconds until the token expires, as Accounts reported it. */
  expiresIn: number;
}

export interface AccountProfile {
  accountId: string;
  name: string | null;
  email: string | null;
  /** LiveChat product roles, e.g. owner, viceowner, administrator, normal. */
  roles: { product: string; role: string }[];
}

export type AccountsResult<T> = { ok: true; value: T } | { ok: false; reason: 'invalid_token' | 'unavailable' };

/** LiveChat Accounts: token introspection and the signed-in account. */
export interface AccountsPort {
  tokenInfo(token: string): Promise<AccountsResult<TokenInfo>>;
  me(token: string): Promise<AccountsResult<AccountProfile>>;
}
