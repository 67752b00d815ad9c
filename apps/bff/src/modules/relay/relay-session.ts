import type { Db } from '../../db/client.ts';
import { errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { LiveChatApiError, type LiveChatChatPort } from '../../providers/livechat-chat/livechat-chat.port.ts';
import type { TokenVault } from '../billing/token-vault.ts';
import * as repo from './relay.repo.ts';

/** Every chat event the relay posts carries this `custom_id` prefix, so its webhooks are never relayed back. */
export const OWN_CUSTOM_ID = 'wa-relay:';

/** LiveChat refused the stored authorization (or none is kept): the owner has to connect again. */
export class ReconnectNeeded extends Error {}

type Cached = Map<string, { token: string; until: number }>;

/**
 * The relay's LiveChat credentials: the agent token renewed from the sealed refresh token, each customer identity's
 * token, and the app's bot token. Tokens are kept in memory only.
 */
export class LiveChatSession {
  private readonly agentTokens: Cached = new Map();
  private readonly customerTokens: Cached = new Map();
  private readonly botTokens: Cached = new Map();

  constructor(
    private readonly db: Db,
    readonly livechat: LiveChatChatPort,
    private readonly vault: TokenVault,
    private readonly log: Logger,
  ) {}

  /** A token LiveChat just issued for the organization's agent (the sign-in), until a minute before it ends. */
  rememberAgentToken(organizationId: string, grant: { accessToken: string; expiresIn: number }) {
    this.agentTokens.set(organizationId, { token: grant.accessToken, until: Date.now() + (grant.expiresIn - 60) * 1000 });
  }

  /** A customer identity's token, until five minutes before it ends. */
  rememberCustomerToken(entityId: string, grant: { accessToken: string; expiresIn: number }) {
    this.customerTokens.set(entityId, { token: grant.accessToken, until: Date.now() + (grant.expiresIn - 300) * 1000 });
  }

  async agentTokenOrConflict(organizationId: string): Promise<string> {
    try {
      return await this.agentToken(organizationId);
    } catch (err) {
      if (err instanceof ReconnectNeeded) throw errors.conflict('Connect LiveChat first (Reconnect when it was connected before).');
      throw err;
    }
  }

  async agentToken(organizationId: string): Promise<string> {
    const hit = this.agentTokens.get(organizationId);
    if (hit && hit.until > Date.now()) return hit.token;
    const auth = await repo.findAuthorization(this.db, organizationId);
    if (!auth || auth.status !== 'connected') throw new ReconnectNeeded();
    const refresh = this.vault.open(organizationId, auth.sealedRefreshToken);
    if (!refresh) {
      await repo.updateAuthorization(this.db, organizationId, { status: 'reconnect_needed' });
      throw new ReconnectNeeded();
    }
    try {
      const tokens = await this.livechat.refresh(refresh);
      await repo.updateAuthorization(this.db, organizationId, { sealedRefreshToken: this.vault.seal(organizationId, tokens.refreshToken) });
      this.rememberAgentToken(organizationId, tokens);
      return tokens.accessToken;
    } catch (err) {
      if (err instanceof LiveChatApiError && !err.retryable) {
        await repo.updateAuthorization(this.db, organizationId, { status: 'reconnect_needed' });
        this.log.warn({ organizationId, type: err.type }, 'LiveChat refused the relay refresh token: reconnect needed');
        throw new ReconnectNeeded();
      }
      throw err;
    }
  }

  async customerToken(organizationId: string, entityId: string, renew = false): Promise<string> {
    const hit = this.customerTokens.get(entityId);
    if (!renew && hit && hit.until > Date.now()) return hit.token;
    const grant = await this.livechat.customerToken(await this.agentToken(organizationId), entityId);
    this.rememberCustomerToken(entityId, grant);
    return grant.accessToken;
  }

  private async botToken(organizationId: string): Promise<string | null> {
    const hit = this.botTokens.get(organizationId);
    if (hit && hit.until > Date.now()) return hit.token;
    const auth = await repo.findAuthorization(this.db, organizationId);
    const secret = auth?.botId && auth.sealedBotSecret ? this.vault.open(organizationId, auth.sealedBotSecret) : null;
    if (!auth?.botId || !secret) return null;
    const token = await this.livechat.issueBotToken({ botId: auth.botId, botSecret: secret, organizationId });
    this.botTokens.set(organizationId, { token, until: Date.now() + 23 * 3600_000 });
    return token;
  }

  /** Calls the Customer Chat API as the identity; an expired token is renewed once with the same entity_id. */
  async asCustomer(organizationId: string, entityId: string, action: string, body: unknown): Promise<unknown> {
    const token = await this.customerToken(organizationId, entityId);
    try {
      return await this.livechat.customer(token, organizationId, action, body);
    } catch (err) {
      if (err instanceof LiveChatApiError && (err.status === 401 || err.type === 'authentication')) {
        return this.livechat.customer(await this.customerToken(organizationId, entityId, true), organizationId, action, body);
      }
      throw err;
    }
  }

  /** An agents-only note in the chat, posted by the app's bot; never relayed. Best effort: the owner's view shows the failure too. */
  async note(organizationId: string, chatId: string, text: string): Promise<void> {
    try {
      const token = await this.botToken(organizationId);
      if (!token) return;
      await this.livechat.agent(
        token,
        'send_event',
        {
          chat_id: chatId,
          attach_to_last_thread: true,
          event: { type: 'message', text, visibility: 'agents', custom_id: `${OWN_CUSTOM_ID}note` },
        },
        { retries: 2 },
      );
    } catch (err) {
      this.log.warn({ organizationId, err: err instanceof LiveChatApiError ? err.type : 'error' }, 'could not post an agents-only note');
    }
  }
}
