import { z } from 'zod';
import { fetchWithTimeout, readJson } from '../http.ts';
import type { AccountProfile, AccountsPort, AccountsResult, TokenInfo } from './accounts.port.ts';

const InfoSchema = z.object({
  account_id: z.string(),
  organization_id: z.string(),
  client_id: z.string(),
  scope: z.string().optional().default(''),
  expires_in: z.coerce.number(),
});

const MeSchema = z.object({
  account_id: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  roles: z.array(z.object({ product: z.string(), role: z.string() })).default([]),
});

/** Real HTTP client for `{accounts}/v2/info` and `{accounts}/v2/accounts/me`. */
export class AccountsClient implements AccountsPort {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 5_000,
  ) {}

  private async get<T>(path: string, token: string, schema: z.ZodType<T>): Promise<AccountsResult<T>> {
    let res: Response;
    try {
      res = await fetchWithTimeout(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }, this.timeoutMs);
    } catch {
      return { ok: false, reason: 'unavailable' };
    }
    if (res.status === 401 || res.status === 403) return { ok: false, reason: 'invalid_token' };
    if (!res.ok) return { ok: false, reason: 'unavailable' };
    const parsed = schema.safeParse(await readJson(res));
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: 'unavailable' };
  }

  async tokenInfo(token: string): Promise<AccountsResult<TokenInfo>> {
    const r = await this.get('/v2/info', token, InfoSchema);
    if (!r.ok) return r;
    const v = r.value;
    return {
      ok: true,
      value: { accountId: v.account_id, organizationId: v.organization_id, clientId: v.client_id, scope: v.scope, expiresIn: v.expires_in },
    };
  }

  async me(token: string): Promise<AccountsResult<AccountProfile>> {
    const r = await this.get('/v2/accounts/me', token, MeSchema);
    if (!r.ok) return r;
    const v = r.value;
    return { ok: true, value: { accountId: v.account_id, name: v.name ?? null, email: v.email ?? null, roles: v.roles } };
  }
}
