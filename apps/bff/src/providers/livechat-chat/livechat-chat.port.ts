/**
 * LiveChat's chat platform as a backend integration uses it: the authorization-code grant and its refresh (an
 * agent token with `customers:own`), the agent-token grant (customer identities), the Customer Chat Web API, the
 * Agent Chat Web API (the app's bot notes) and the Configuration API (chat webhooks, groups, bots), all v3.6.
 */

/** LiveChat's `{error: {type, message}}`, or an OAuth error from Accounts; `retryable` says whether a retry may help. */
export class LiveChatApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'LiveChatApiError';
  }
}

export interface AgentTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
  accountId: string;
  organizationId: string;
  scope: string;
}

export interface CustomerTokenGrant {
  accessToken: string;
  entityId: string;
  organizationId: string;
  /** Seconds (8 hours). */
  expiresIn: number;
}

export interface CallOptions {
  /**
   * Extra attempts after a 429, a 5xx, a timeout or a network error. Calls that create something (send_event,
   * start_chat) default to none: the caller decides how to retry them without duplicating.
   */
  retries?: number;
}

export interface UploadInput {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface LiveChatChatPort {
  exchangeCode(input: { code: string; redirectUri: string }): Promise<AgentTokens>;
  refresh(refreshToken: string): Promise<AgentTokens>;
  customerToken(agentToken: string, entityId?: string): Promise<CustomerTokenGrant>;
  customer(token: string, organizationId: string, action: string, body: unknown, options?: CallOptions): Promise<unknown>;
  uploadFile(token: string, organizationId: string, file: UploadInput): Promise<{ url: string }>;
  agent(token: string, action: string, body: unknown, options?: CallOptions): Promise<unknown>;
  configuration(token: string, action: string, body: unknown, options?: CallOptions): Promise<unknown>;
  issueBotToken(input: { botId: string; botSecret: string; organizationId: string }): Promise<string>;
}
