import {
  describeProviderError,
  ErrorCode,
  type OpsChatWebhooksResponse,
  type RelayChat,
  type RelayGroupsResponse,
  type RelayNumber,
  type RelayNumberRequest,
  type RelayStatus,
} from '@wa/contracts';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import { LiveChatApiError } from '../../providers/livechat-chat/livechat-chat.port.ts';
import type { TokenVault } from '../billing/token-vault.ts';
import { listChatWebhooks, registerChatWebhooks, unregisterChatWebhooks } from './chat-webhooks.ts';
import type { LiveChatSession } from './relay-session.ts';
import * as repo from './relay.repo.ts';

const FAILURE_WORDS: Record<string, string> = {
  [ErrorCode.windowClosed]: "The customer has not written in the last 24 hours, so the agent's reply was not sent.",
  [ErrorCode.optedOut]: 'The customer opted out, so the reply was not sent.',
  [ErrorCode.recipientRestricted]: 'The customer restricted processing, so the reply was not sent.',
  [ErrorCode.insufficientBalance]: 'No conversations were left, so the reply was not sent.',
  reconnect_needed: 'LiveChat refused the stored authorization: reconnect LiveChat in the WhatsApp app.',
  livechat_unavailable: 'LiveChat did not take a WhatsApp message after several attempts.',
  unsupported_event: 'An agent event of a kind that is not sent to WhatsApp.',
  file_too_large: "An agent's file was larger than WhatsApp takes for its type.",
  file_not_livechat: "An agent's file link was not LiveChat's file storage.",
  file_unavailable: "An agent's file could not be read from LiveChat.",
};

const failureSummary = (code: string) =>
  FAILURE_WORDS[code] ?? (code.startsWith('provider:') ? describeProviderError(code.slice(9)).message : 'The message was not relayed.');

export interface RelaySetupConfig {
  clientId: string;
  /** Unset: the relay cannot be connected. */
  clientSecretSet: boolean;
  /** The chat webhooks' `secret_key`; unset: every chat webhook is refused. */
  webhookSecret: string | null;
  /** Where LiveChat delivers the chat webhooks. */
  webhookUrl: string;
}

/** A business connects LiveChat and picks, per number, whether its chats are relayed and in which group. */
export class RelaySetup {
  constructor(
    private readonly db: Db,
    private readonly session: LiveChatSession,
    private readonly vault: TokenVault,
    private readonly config: RelaySetupConfig,
    private readonly now: () => Date,
  ) {}

  async status(organizationId: string): Promise<RelayStatus> {
    const [auth, rows] = await Promise.all([
      repo.findAuthorization(this.db, organizationId),
      repo.listNumberSettings(this.db, organizationId),
    ]);
    return {
      authorization: {
        status: auth ? auth.status : 'not_connected',
        connected: auth?.status === 'connected',
        accountId: auth?.accountId ?? null,
        connectedAt: auth?.connectedAt.toISOString() ?? null,
      },
      numbers: rows.map((r) => this.numberDto(r.number, r.settings, auth)),
    };
  }

  private numberDto(
    number: { id: string; number: string; displayName: string },
    settings: repo.RelayNumberRow | null | undefined,
    auth: repo.RelayAuthorizationRow | undefined,
  ): RelayNumber {
    const enabled = settings?.enabled ?? false;
    return {
      numberId: number.id,
      number: number.number,
      displayName: number.displayName,
      enabled,
      groupId: settings?.groupId ?? null,
      status: !enabled ? 'off' : auth?.status === 'connected' ? 'active' : 'reconnect_needed',
      lastFailure:
        settings?.lastFailureAt && settings.lastFailureCode && settings.lastFailureDirection
          ? {
              at: settings.lastFailureAt.toISOString(),
              direction: settings.lastFailureDirection,
              code: settings.lastFailureCode,
              summary: failureSummary(settings.lastFailureCode),
            }
          : null,
    };
  }

  async connect(organizationId: string, input: { code: string; redirectUri: string }): Promise<RelayStatus> {
    if (!this.config.clientSecretSet) throw errors.conflict('LiveChat cannot be connected: the app has no client secret configured.');
    const livechat = this.session.livechat;
    let tokens;
    try {
      tokens = await livechat.exchangeCode(input);
    } catch (err) {
      if (err instanceof LiveChatApiError) {
        throw new DomainError(
          ErrorCode.upstreamRefused,
          'LiveChat refused the sign-in',
          'LiveChat did not accept the authorization code. Sign in again.',
          {
            errors: [{ path: 'code', message: 'not accepted by LiveChat' }],
          },
        );
      }
      throw err;
    }
    if (tokens.organizationId && tokens.organizationId !== organizationId) {
      throw errors.validation([{ path: 'code', message: 'This sign-in belongs to another LiveChat organization' }]);
    }
    const existing = await repo.findAuthorization(this.db, organizationId);
    let botId = existing?.botId ?? null;
    let sealedBotSecret = existing?.sealedBotSecret ?? null;
    if (!botId) {
      const bot = z
        .object({ id: z.string().min(1), secret: z.string().min(1) })
        .parse(await livechat.configuration(tokens.accessToken, 'create_bot', { name: 'WhatsApp', owner_client_id: this.config.clientId }));
      botId = bot.id;
      sealedBotSecret = this.vault.seal(organizationId, bot.secret);
    }
    await repo.saveAuthorization(this.db, {
      organizationId,
      sealedRefreshToken: this.vault.seal(organizationId, tokens.refreshToken),
      accountId: tokens.accountId,
      botId,
      sealedBotSecret,
      status: 'connected',
      connectedAt: this.now(),
    });
    this.session.rememberAgentToken(organizationId, tokens);
    return this.status(organizationId);
  }

  async groups(organizationId: string): Promise<RelayGroupsResponse> {
    const token = await this.session.agentTokenOrConflict(organizationId);
    const list = z
      .array(z.object({ id: z.number().int(), name: z.string().default('') }).passthrough())
      .parse(await this.session.livechat.configuration(token, 'list_groups', {}));
    return { groups: list.map((g) => ({ id: g.id, name: g.name })) };
  }

  async setNumber(organizationId: string, numberId: string, input: RelayNumberRequest): Promise<RelayNumber> {
    const rows = await repo.listNumberSettings(this.db, organizationId);
    const row = rows.find((r) => r.number.id === numberId);
    if (!row) throw errors.notFound('The number');
    const groupId = input.groupId ?? row.settings?.groupId ?? null;
    if (input.enabled) {
      const { groups } = await this.groups(organizationId);
      if (!groups.some((g) => g.id === groupId)) throw errors.validation([{ path: 'groupId', message: 'No such LiveChat group' }]);
    }
    await repo.saveNumberSettings(this.db, { numberId, organizationId, enabled: input.enabled, groupId });
    const auth = await repo.findAuthorization(this.db, organizationId);
    return this.numberDto(row.number, await repo.findNumberSettings(this.db, numberId), auth);
  }

  async chat(organizationId: string, chatId: string): Promise<RelayChat> {
    const row = await repo.findChat(this.db, organizationId, chatId);
    if (!row) throw errors.notFound('The WhatsApp chat');
    return {
      chatId: row.chat.chatId,
      customer: row.identity.customer,
      numberId: row.number.id,
      number: row.number.number,
      active: row.chat.active,
    };
  }

  /** Operators: the application's chat webhooks, through a connected business's authorization (issued for our Client ID). */
  async chatWebhooks(organizationId: string, action: 'list' | 'register' | 'unregister'): Promise<OpsChatWebhooksResponse> {
    const token = await this.session.agentTokenOrConflict(organizationId);
    const livechat = this.session.livechat;
    const target = { url: this.config.webhookUrl, clientId: this.config.clientId };
    let registered: string[] = [];
    let removed: string[] = [];
    if (action === 'register') {
      if (!this.config.webhookSecret)
        throw errors.conflict('Set LIVECHAT_CHAT_WEBHOOK_SECRET first: it is the secret_key LiveChat sends with every chat webhook.');
      registered = (await registerChatWebhooks(livechat, token, { ...target, secretKey: this.config.webhookSecret })).registered;
    } else if (action === 'unregister') {
      removed = await unregisterChatWebhooks(livechat, token, target);
    }
    const webhooks = (await listChatWebhooks(livechat, token, this.config.clientId)).map((w) => ({
      id: w.id,
      action: w.action,
      url: w.url,
    }));
    return { url: this.config.webhookUrl, webhooks, registered, removed };
  }
}
