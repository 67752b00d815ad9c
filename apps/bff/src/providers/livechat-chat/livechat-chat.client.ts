import { z } from 'zod';
import { backoffMs, fetchWithTimeout, HttpTimeoutError, readJson, sleep } from '../http.ts';
import {
  LiveChatApiError,
  type AgentTokens,
  type CallOptions,
  type CustomerTokenGrant,
  type LiveChatChatPort,
  type UploadInput,
} from './livechat-chat.port.ts';

export interface LiveChatChatClientOptions {
  /** `https://accounts.livechat.com` */
  accountsUrl: string;
  /** `https://api.livechatinc.com` */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** LiveChat's own request timeout is 15 s. */
  timeoutMs?: number;
  /** Base of the exponential backoff between retries. */
  backoffBaseMs?: number;
}

const API_VERSION = 'v3.6';
const RETRYABLE_TYPES = new Set(['too_many_requests', 'internal', 'service_unavailable', 'request_timeout']);

const AgentTokensSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number(),
  account_id: z.string().default(''),
  organization_id: z.string().default(''),
  scope: z.string().default(''),
});

const CustomerTokenSchema = z.object({
  access_token: z.string().min(1),
  entity_id: z.string().min(1),
  organization_id: z.string().default(''),
  expires_in: z.coerce.number(),
});

const ErrorSchema = z.object({ error: z.object({ type: z.string(), message: z.string().default('') }) });
const OAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

function errorOf(status: number, body: unknown): LiveChatApiError {
  const api = ErrorSchema.safeParse(body);
  if (api.success) {
    const { type, message } = api.data.error;
    return new LiveChatApiError(type, message, status, RETRYABLE_TYPES.has(type) || status >= 500 || status === 429);
  }
  const oauth = OAuthErrorSchema.safeParse(body);
  if (oauth.success)
    return new LiveChatApiError(
      oauth.data.error,
      oauth.data.error_description ?? oauth.data.error,
      status,
      status >= 500 || status === 429,
    );
  return new LiveChatApiError(
    status === 429 ? 'too_many_requests' : status >= 500 ? 'internal' : 'unknown',
    `HTTP ${status}`,
    status,
    status >= 500 || status === 429,
  );
}

/** Real HTTP client of LiveChat's chat platform (Accounts grants and the v3.6 Web APIs). */
export class LiveChatChatClient implements LiveChatChatPort {
  private readonly timeoutMs: number;
  private readonly backoffBaseMs: number;

  constructor(private readonly options: LiveChatChatClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 250;
  }

  private async request(url: string, init: RequestInit, retries: number): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      let error: LiveChatApiError;
      try {
        const res = await fetchWithTimeout(url, init, this.timeoutMs);
        const body = await readJson(res);
        if (res.ok) return body;
        error = errorOf(res.status, body);
        if (error.retryable && attempt < retries) {
          const retryAfter = Number(res.headers.get('retry-after') ?? 0) * 1000;
          await sleep(Math.max(retryAfter, backoffMs(attempt, this.backoffBaseMs)));
          continue;
        }
      } catch (err) {
        error =
          err instanceof HttpTimeoutError
            ? new LiveChatApiError('request_timeout', 'LiveChat did not answer in time', null, true)
            : new LiveChatApiError('network', err instanceof Error ? err.message : 'network error', null, true);
        if (attempt < retries) {
          await sleep(backoffMs(attempt, this.backoffBaseMs));
          continue;
        }
      }
      throw error;
    }
  }

  private json(url: string, token: string | null, body: unknown, retries: number): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    return this.request(url, { method: 'POST', headers, body: JSON.stringify(body ?? {}) }, retries);
  }

  private agentTokens(body: unknown): AgentTokens {
    const parsed = AgentTokensSchema.safeParse(body);
    if (!parsed.success) throw new LiveChatApiError('invalid_response', 'Accounts answered without tokens', 200, false);
    const v = parsed.data;
    return {
      accessToken: v.access_token,
      refreshToken: v.refresh_token,
      expiresIn: v.expires_in,
      accountId: v.account_id,
      organizationId: v.organization_id,
      scope: v.scope,
    };
  }

  async exchangeCode(input: { code: string; redirectUri: string }): Promise<AgentTokens> {
    const body = await this.json(
      `${this.options.accountsUrl}/v2/token`,
      null,
      {
        grant_type: 'authorization_code',
        code: input.code,
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
        redirect_uri: input.redirectUri,
      },
      // A code is single-use: a retry after an unknown outcome would only be refused.
      0,
    );
    return this.agentTokens(body);
  }

  async refresh(refreshToken: string): Promise<AgentTokens> {
    const body = await this.json(
      `${this.options.accountsUrl}/v2/token`,
      null,
      {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
      },
      2,
    );
    return this.agentTokens(body);
  }

  async customerToken(agentToken: string, entityId?: string): Promise<CustomerTokenGrant> {
    const body = await this.json(
      `${this.options.accountsUrl}/v2/customer/token`,
      agentToken,
      {
        grant_type: 'agent_token',
        client_id: this.options.clientId,
        response_type: 'token',
        ...(entityId ? { entity_id: entityId } : {}),
      },
      // With an entity id the grant only renews a token; without one a retry could make a second identity.
      entityId ? 2 : 0,
    );
    const parsed = CustomerTokenSchema.safeParse(body);
    if (!parsed.success) throw new LiveChatApiError('invalid_response', 'Accounts answered without a customer token', 200, false);
    return {
      accessToken: parsed.data.access_token,
      entityId: parsed.data.entity_id,
      organizationId: parsed.data.organization_id,
      expiresIn: parsed.data.expires_in,
    };
  }

  customer(token: string, organizationId: string, action: string, body: unknown, options: CallOptions = {}): Promise<unknown> {
    const url = `${this.options.apiUrl}/${API_VERSION}/customer/action/${action}?organization_id=${encodeURIComponent(organizationId)}`;
    return this.json(url, token, body, options.retries ?? 0);
  }

  async uploadFile(token: string, organizationId: string, file: UploadInput): Promise<{ url: string }> {
    const form = new FormData();
    form.set('file', new Blob([file.bytes], { type: file.contentType }), file.name);
    const url = `${this.options.apiUrl}/${API_VERSION}/customer/action/upload_file?organization_id=${encodeURIComponent(organizationId)}`;
    const body = await this.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }, 2);
    const parsed = z.object({ url: z.string().min(1) }).safeParse(body);
    if (!parsed.success) throw new LiveChatApiError('invalid_response', 'upload_file answered without a URL', 200, false);
    return parsed.data;
  }

  agent(token: string, action: string, body: unknown, options: CallOptions = {}): Promise<unknown> {
    return this.json(`${this.options.apiUrl}/${API_VERSION}/agent/action/${action}`, token, body, options.retries ?? 0);
  }

  configuration(token: string, action: string, body: unknown, options: CallOptions = {}): Promise<unknown> {
    return this.json(`${this.options.apiUrl}/${API_VERSION}/configuration/action/${action}`, token, body, options.retries ?? 2);
  }

  async issueBotToken(input: { botId: string; botSecret: string; organizationId: string }): Promise<string> {
    const body = await this.json(
      `${this.options.apiUrl}/${API_VERSION}/configuration/action/issue_bot_token`,
      null,
      { bot_id: input.botId, bot_secret: input.botSecret, client_id: this.options.clientId, organization_id: input.organizationId },
      2,
    );
    const parsed = z.object({ token: z.string().min(1) }).safeParse(body);
    if (!parsed.success) throw new LiveChatApiError('invalid_response', 'issue_bot_token answered without a token', 200, false);
    return parsed.data.token;
  }
}
