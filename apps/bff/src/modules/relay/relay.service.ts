import { createHash } from 'node:crypto';
import {
  describeProviderError,
  ErrorCode,
  type OpsChatWebhooksResponse,
  type RelayChat,
  type RelayGroupsResponse,
  type RelayNumber,
  type RelayNumberRequest,
  type RelayStatus,
  type SendMessageRequest,
} from '@wa/contracts';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { markProviderAnswer, nowMs } from '../../lib/provider-time.ts';
import { requestReceivedAt } from '../../lib/request-context.ts';
import type { Queue } from '../../queue/queue.ts';
import { LiveChatApiError, type LiveChatChatPort } from '../../providers/livechat-chat/livechat-chat.port.ts';
import type { OutboundMessage } from '../../providers/kaleyra/kaleyra.port.ts';
import type { TokenVault } from '../billing/token-vault.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import { findOrganization } from '../organizations/organizations.service.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import type { IncomingMessage, StatusUpdate } from '../webhooks/kaleyra-webhook.parse.ts';
import { safeEqual } from '../webhooks/kaleyra-webhook.service.ts';
import { finishContent, inboundContent, unknownTypeText, v1MessageKey, type InboundMedia } from './relay-content.ts';
import { fetchMedia, isLiveChatFileUrl, MediaTooLarge, UPLOAD_LIMIT_BYTES, whatsappMediaOf } from './relay-media.ts';
import { listChatWebhooks, registerChatWebhooks, unregisterChatWebhooks } from './chat-webhooks.ts';
import { measureRelay } from './relay-latency.ts';
import * as repo from './relay.repo.ts';

export const RELAY_JOBS = { inbound: 'relay-inbound', outbound: 'relay-outbound' } as const;

/** Every chat event the relay posts carries this `custom_id` prefix, so its webhooks are never relayed back. */
export const OWN_CUSTOM_ID = 'wa-relay:';

/** Attempts of one relay job (LiveChat or Kaleyra down, the authorization waiting for a reconnect) before its loss is shown. */
const RETRY_LIMIT = 8;
const RELAY_JOB_OPTIONS = { retryLimit: RETRY_LIMIT, retryDelay: 1, retryBackoff: true, retryDelayMax: 60 };

export interface RelayConfig {
  clientId: string;
  /** Unset: the relay cannot be connected. */
  clientSecretSet: boolean;
  /** The chat webhooks' `secret_key`; unset: every chat webhook is refused. */
  webhookSecret: string | null;
  /** Where LiveChat delivers the chat webhooks. */
  webhookUrl: string;
  /** LiveChat's API base: agents' file links are fetched only from LiveChat's CDN. */
  apiUrl: string;
  /** Whether a customer's message opts them out (the opt-out module's keywords, F.4). */
  optsOut: (text: string | null) => boolean;
}

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

/** What the agents-only note says when a reply is refused. */
function refusalNote(err: DomainError): string {
  switch (err.code) {
    case ErrorCode.windowClosed:
      return 'Not sent to WhatsApp: the customer has not written in the last 24 hours. Send an approved template from the WhatsApp panel.';
    case ErrorCode.providerError:
      return `Not sent to WhatsApp: ${err.detail}`;
    default:
      return `Not sent to WhatsApp: ${err.detail}`;
  }
}

const ChatWebhookSchema = z.object({
  webhook_id: z.string().optional(),
  secret_key: z.string().optional(),
  action: z.string(),
  organization_id: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

const IncomingEventPayload = z.object({
  chat_id: z.string().min(1),
  thread_id: z.string().optional(),
  event: z
    .object({
      id: z.string().min(1),
      custom_id: z.string().optional(),
      type: z.string(),
      text: z.string().optional(),
      url: z.string().optional(),
      name: z.string().optional(),
      content_type: z.string().optional(),
      author_id: z.string().optional(),
      visibility: z.string().optional(),
    })
    .passthrough(),
});

const ChatDeactivatedPayload = z.object({ chat_id: z.string().min(1), thread_id: z.string().optional() });

interface InboundJob {
  organizationId: string;
  providerMessageId: string;
  /** The chat texts, sealed for the organization: the queue's tables never hold them in clear. */
  sealed: string;
  /** When the webhook arrived (ms since the epoch): the relay's latency is measured from it. */
  receivedAt?: number;
}
interface OutboundJob {
  organizationId: string;
  eventId: string;
  sealed: string;
  receivedAt?: number;
}
interface OutboundPayload {
  text: string | null;
  type: string;
  authorId: string | null;
  file?: { url: string; name: string | null; contentType: string | null };
}
interface InboundPayload {
  texts: string[];
  /** A STOP-like message or button: the agents are told the customer opted out. */
  optOut?: boolean;
  name: string | null;
  refersTo: string | null;
  type: string;
  media?: InboundMedia;
}

const unauthorized = () => new DomainError(ErrorCode.webhookUnauthorized, 'Unauthorized webhook', 'Missing or wrong secret_key.');

class ReconnectNeeded extends Error {}

/**
 * WhatsApp chats in LiveChat: a customer's WhatsApp messages become their LiveChat chat (one customer identity, one
 * chat), and agents' replies in that chat go back through the one send path. Both directions run in pg-boss jobs
 * keyed per customer (or chat) with strict FIFO, deduplicated by provider message id and LiveChat event id.
 */
export class RelayService {
  private queue: Queue | null = null;
  private startNow: (queueName: string) => void = () => {};
  /** Without workers: each customer's relays in this instance, one after the other (the queue's FIFO stands in). */
  private readonly inlineRuns = new Map<string, Promise<void>>();
  private readonly agentTokens = new Map<string, { token: string; until: number }>();
  private readonly customerTokens = new Map<string, { token: string; until: number }>();
  private readonly botTokens = new Map<string, { token: string; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly livechat: LiveChatChatPort,
    private readonly vault: TokenVault,
    private readonly messaging: MessagingService,
    private readonly config: RelayConfig,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `startNow` starts a job this instance just queued without waiting for the queue's poll. */
  attach(queue: Queue, startNow: (queueName: string) => void) {
    this.queue = queue;
    this.startNow = startNow;
  }

  // ---- setup ---------------------------------------------------------------------------------

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
    let tokens;
    try {
      tokens = await this.livechat.exchangeCode(input);
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
        .parse(
          await this.livechat.configuration(tokens.accessToken, 'create_bot', { name: 'WhatsApp', owner_client_id: this.config.clientId }),
        );
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
    this.agentTokens.set(organizationId, { token: tokens.accessToken, until: Date.now() + (tokens.expiresIn - 60) * 1000 });
    return this.status(organizationId);
  }

  async groups(organizationId: string): Promise<RelayGroupsResponse> {
    const token = await this.agentTokenOrConflict(organizationId);
    const list = z
      .array(z.object({ id: z.number().int(), name: z.string().default('') }).passthrough())
      .parse(await this.livechat.configuration(token, 'list_groups', {}));
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
    const token = await this.agentTokenOrConflict(organizationId);
    const target = { url: this.config.webhookUrl, clientId: this.config.clientId };
    let registered: string[] = [];
    let removed: string[] = [];
    if (action === 'register') {
      if (!this.config.webhookSecret)
        throw errors.conflict('Set LIVECHAT_CHAT_WEBHOOK_SECRET first: it is the secret_key LiveChat sends with every chat webhook.');
      registered = (await registerChatWebhooks(this.livechat, token, { ...target, secretKey: this.config.webhookSecret })).registered;
    } else if (action === 'unregister') {
      removed = await unregisterChatWebhooks(this.livechat, token, target);
    }
    const webhooks = (await listChatWebhooks(this.livechat, token, this.config.clientId)).map((w) => ({
      id: w.id,
      action: w.action,
      url: w.url,
    }));
    return { url: this.config.webhookUrl, webhooks, registered, removed };
  }

  // ---- LiveChat credentials (memory only, except the sealed refresh token) ----------------------

  private async agentTokenOrConflict(organizationId: string): Promise<string> {
    try {
      return await this.agentToken(organizationId);
    } catch (err) {
      if (err instanceof ReconnectNeeded) throw errors.conflict('Connect LiveChat first (Reconnect when it was connected before).');
      throw err;
    }
  }

  private async agentToken(organizationId: string): Promise<string> {
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
      this.agentTokens.set(organizationId, { token: tokens.accessToken, until: Date.now() + (tokens.expiresIn - 60) * 1000 });
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

  private async customerToken(organizationId: string, entityId: string, renew = false): Promise<string> {
    const hit = this.customerTokens.get(entityId);
    if (!renew && hit && hit.until > Date.now()) return hit.token;
    const grant = await this.livechat.customerToken(await this.agentToken(organizationId), entityId);
    this.customerTokens.set(entityId, { token: grant.accessToken, until: Date.now() + (grant.expiresIn - 300) * 1000 });
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
  private async asCustomer(organizationId: string, entityId: string, action: string, body: unknown): Promise<unknown> {
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

  // ---- inbound: WhatsApp → LiveChat --------------------------------------------------------------

  /** Kaleyra's incoming webhook handler: claims the message and queues its relay (the texts sealed). */
  readonly onIncoming = async (org: OrganizationRow, numberId: string, m: IncomingMessage): Promise<void> => {
    const target = await repo.relayTarget(this.db, org.id, numberId);
    if (!target) return;
    const number = await repo.findNumber(this.db, numberId);
    if (!number) return;
    const content = inboundContent(m.raw, number.apiVersion, m.text);
    const providerMessageId = m.providerMessageId ?? v1MessageKey(m.raw ?? { from: m.from, created_at: m.at.getTime(), type: m.type });
    if (
      !(await repo.claimInbound(this.db, { providerMessageId, organizationId: org.id, numberId, customer: m.from, type: content.type }))
    ) {
      this.log.info({ organizationId: org.id }, 'replayed incoming message not relayed again');
      return;
    }
    const payload: InboundPayload = {
      texts: content.texts,
      name: m.name,
      refersTo: content.refersTo,
      type: content.type,
      optOut: this.config.optsOut(m.text),
      ...(content.media ? { media: content.media } : {}),
    };
    const job: InboundJob = {
      organizationId: org.id,
      providerMessageId,
      sealed: this.vault.seal(org.id, JSON.stringify(payload)),
      receivedAt: requestReceivedAt() ?? nowMs(),
    };
    try {
      await this.enqueue(RELAY_JOBS.inbound, job, keyOf(numberId, m.from), () => this.relayInbound(job, 0));
    } catch (err) {
      // Not queued: the webhook fails and Kaleyra delivers it again, which must find it unclaimed.
      await repo.forgetInbound(this.db, providerMessageId);
      throw err;
    }
  };

  /**
   * Stores the job (the webhook's claim is already stored), then has a local worker start it at once; the queue's
   * poll is the backstop. An instance without workers relays within the webhook request instead.
   */
  private async enqueue(name: string, data: InboundJob | OutboundJob, key: string, inline: () => Promise<void>) {
    if (!this.queue) {
      // A development setup; instances with workers share the queue. A failure fails the webhook, which comes again.
      const chain = `${name}:${key}`;
      const run = (this.inlineRuns.get(chain) ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => measureRelay(name === RELAY_JOBS.inbound ? 'inbound' : 'outbound', data.receivedAt, 0, this.log, inline));
      this.inlineRuns.set(chain, run);
      try {
        await run;
      } finally {
        if (this.inlineRuns.get(chain) === run) this.inlineRuns.delete(chain);
      }
      return;
    }
    await this.queue.send(name, data, { ...RELAY_JOB_OPTIONS, singletonKey: key });
    this.startNow(name);
  }

  /** One inbound message into the customer's chat: start_chat, send_event, or resume_chat once it was archived. */
  async relayInbound(job: InboundJob, attempt: number): Promise<void> {
    const row = await repo.findInbound(this.db, job.providerMessageId);
    if (!row || row.status !== 'pending') return;
    const opened = this.vault.open(job.organizationId, job.sealed);
    if (!opened) {
      await repo.settleInbound(this.db, row.providerMessageId, { status: 'failed', errorCode: 'unreadable' });
      return;
    }
    const payload = JSON.parse(opened) as InboundPayload;
    const last = attempt >= RETRY_LIMIT;
    try {
      if (await repo.earlierPending(this.db, row)) {
        // Two webhooks of one customer at once can store their claims and their jobs in opposite orders: the earlier
        // message's job then waits behind this one, and a retry here would hold it back. This job goes behind it.
        if (this.queue) {
          await this.queue.send(RELAY_JOBS.inbound, job, {
            ...RELAY_JOB_OPTIONS,
            singletonKey: keyOf(row.numberId, row.customer),
            startAfter: new Date(Date.now() + 200),
          });
          return;
        }
        throw new Error('an earlier message of this customer is still waiting');
      }
      const target = await repo.relayTarget(this.db, row.organizationId, row.numberId);
      const number = await repo.findNumber(this.db, row.numberId);
      if (!target || !number || target.settings.groupId === null) {
        await repo.settleInbound(this.db, row.providerMessageId, { status: 'skipped', errorCode: 'relay_off' });
        return;
      }
      const referredAt = payload.refersTo ? await this.timeOf(row.organizationId, payload.refersTo) : null;
      const texts = finishContent({ type: payload.type, texts: payload.texts, refersTo: payload.refersTo }, referredAt);
      const identity = await this.identity(row.organizationId, row.numberId, row.customer);
      const events: object[] = [];
      if (payload.media) {
        // The file goes provider → memory → LiveChat's CDN; its bytes are never stored.
        try {
          const file = await fetchMedia(payload.media.url, UPLOAD_LIMIT_BYTES);
          const token = await this.customerToken(row.organizationId, identity.entityId);
          const { url } = await this.livechat.uploadFile(token, row.organizationId, {
            name: payload.media.filename,
            contentType: payload.media.mimeType || file.contentType,
            bytes: file.bytes,
          });
          events.push({ type: 'file', url, custom_id: `${OWN_CUSTOM_ID}${row.providerMessageId}:file` });
        } catch (err) {
          if (!(err instanceof MediaTooLarge)) throw err;
          events.push({
            type: 'message',
            text: `[WhatsApp sent a ${payload.type} larger than LiveChat takes (10 MB): ask the customer to send it another way]`,
          });
        }
      }
      texts.forEach((text, i) => events.push({ type: 'message', text, custom_id: `${OWN_CUSTOM_ID}${row.providerMessageId}:${i}` }));
      if (!events.length) events.push({ type: 'message', text: unknownTypeText(payload.type) });
      const profile = {
        ...(payload.name ? { name: payload.name } : {}),
        session_fields: [{ whatsapp: row.customer }, { business_number: number.number }],
      };
      // A retry may follow an attempt that reached LiveChat but died before recording it: find what it posted.
      const chat =
        (await repo.chatOfIdentity(this.db, identity.id)) ??
        (attempt > 0 ? await this.recoverChat(row.organizationId, identity) : undefined);
      const done =
        chat && attempt > 0
          ? await this.postedBefore(row.organizationId, identity.entityId, chat.chatId, `${OWN_CUSTOM_ID}${row.providerMessageId}:`)
          : null;
      if (chat && done) {
        await repo.settleInbound(this.db, row.providerMessageId, { status: 'posted', chatId: chat.chatId, eventId: done });
        return;
      }
      let chatId: string;
      let eventId: string | null = null;
      if (!chat) {
        await this.asCustomer(row.organizationId, identity.entityId, 'update_customer', profile);
        const started = z.object({ chat_id: z.string(), event_ids: z.array(z.string()).optional() }).parse(
          await this.asCustomer(row.organizationId, identity.entityId, 'start_chat', {
            chat: { access: { group_ids: [target.settings.groupId] }, thread: { events } },
            continuous: true,
          }),
        );
        chatId = started.chat_id;
        eventId = started.event_ids?.[0] ?? null;
        await repo.saveChat(this.db, { chatId, organizationId: row.organizationId, identityId: identity.id });
      } else {
        chatId = chat.chatId;
        if (payload.name) await this.asCustomer(row.organizationId, identity.entityId, 'update_customer', profile);
        eventId = chat.active ? await this.sendEvents(row.organizationId, identity.entityId, chatId, events) : null;
        if (eventId === null) {
          const resumed = z.object({ event_ids: z.array(z.string()).optional() }).parse(
            await this.asCustomer(row.organizationId, identity.entityId, 'resume_chat', {
              chat: { id: chatId, access: { group_ids: [target.settings.groupId] }, thread: { events } },
              continuous: true,
            }),
          );
          eventId = resumed.event_ids?.[0] ?? null;
          await repo.setChatActive(this.db, row.organizationId, chatId, true);
        }
      }
      markProviderAnswer();
      await repo.settleInbound(this.db, row.providerMessageId, { status: 'posted', chatId, eventId });
      if (payload.optOut) {
        await this.note(
          row.organizationId,
          chatId,
          'The customer opted out of WhatsApp messages from your business: replies in this chat will not be sent to them until they opt back in (START).',
        );
      }
    } catch (err) {
      const reconnect = err instanceof ReconnectNeeded;
      const retryable = reconnect || !(err instanceof LiveChatApiError) || err.retryable;
      if (retryable && !last) throw err;
      const code = reconnect ? 'reconnect_needed' : 'livechat_unavailable';
      await repo.settleInbound(this.db, row.providerMessageId, {
        status: 'failed',
        errorCode: err instanceof LiveChatApiError ? err.type.slice(0, 60) : code,
      });
      await repo.recordFailure(this.db, row.numberId, 'inbound', code, this.now());
      this.log.warn(
        { organizationId: row.organizationId, code, type: err instanceof LiveChatApiError ? err.type : undefined },
        'incoming WhatsApp message not relayed to LiveChat',
      );
    }
  }

  /** The identity's chat as LiveChat knows it, when our record of it was lost to a crash (start_chat answered, then death). */
  private async recoverChat(organizationId: string, identity: repo.RelayIdentityRow): Promise<repo.RelayChatRow | undefined> {
    const listed = z
      .object({ chats_summary: z.array(z.object({ id: z.string(), active: z.boolean().optional() }).passthrough()).default([]) })
      .parse(await this.asCustomer(organizationId, identity.entityId, 'list_chats', { limit: 1 }));
    const found = listed.chats_summary[0];
    if (!found) return undefined;
    await repo.saveChat(this.db, { chatId: found.id, organizationId, identityId: identity.id });
    if (found.active === false) await repo.setChatActive(this.db, organizationId, found.id, false);
    return repo.chatOfIdentity(this.db, identity.id);
  }

  /** The id of an event of this message already in the chat's last thread (by our `custom_id`), or null. */
  private async postedBefore(organizationId: string, entityId: string, chatId: string, customIdPrefix: string): Promise<string | null> {
    const chat = z
      .object({
        thread: z.object({ events: z.array(z.object({ id: z.string(), custom_id: z.string().optional() }).passthrough()) }).optional(),
      })
      .parse(await this.asCustomer(organizationId, entityId, 'get_chat', { chat_id: chatId }));
    return chat.thread?.events.find((e) => e.custom_id?.startsWith(customIdPrefix))?.id ?? null;
  }

  /** send_event of each text; null when the chat has no active thread (the caller resumes it). */
  private async sendEvents(organizationId: string, entityId: string, chatId: string, events: object[]): Promise<string | null> {
    let first: string | null = null;
    for (const event of events) {
      try {
        const sent = z
          .object({ event_id: z.string() })
          .parse(await this.asCustomer(organizationId, entityId, 'send_event', { chat_id: chatId, event }));
        first ??= sent.event_id;
      } catch (err) {
        if (err instanceof LiveChatApiError && err.type === 'chat_inactive' && first === null) return null;
        throw err;
      }
    }
    return first;
  }

  private async identity(organizationId: string, numberId: string, customer: string): Promise<repo.RelayIdentityRow> {
    const found = await repo.findIdentity(this.db, numberId, customer);
    if (found) return found;
    // Jobs of one customer run one at a time; the unique key settles a race that gets past that anyway.
    const grant = await this.livechat.customerToken(await this.agentToken(organizationId));
    this.customerTokens.set(grant.entityId, { token: grant.accessToken, until: Date.now() + (grant.expiresIn - 300) * 1000 });
    return repo.insertIdentity(this.db, { organizationId, numberId, customer, entityId: grant.entityId });
  }

  /** When an earlier message (by its provider id) was sent or received: a reply or a reaction names it by its time. */
  private async timeOf(organizationId: string, providerMessageId: string): Promise<Date | null> {
    return repo.messageTime(this.db, organizationId, providerMessageId);
  }

  /**
   * Kaleyra's delivery and read callbacks of a relayed reply: the chat shows them (`status.delivered`, then
   * `mark_events_as_seen` as the customer). Best effort: the message's own status is already recorded.
   */
  readonly onStatus = async (org: OrganizationRow, u: StatusUpdate): Promise<void> => {
    if (u.status === 'failed' || u.status === 'not_sent') return this.onLateRefusal(org, u);
    if (u.status !== 'delivered' && u.status !== 'read') return;
    try {
      const row = await repo.relayedMessage(this.db, org.id, u.ref, u.providerMessageId);
      if (!row?.threadId) return;
      const chat = await repo.findChat(this.db, org.id, row.chatId);
      if (!chat) return;
      const entity = chat.identity.entityId;
      if (u.status === 'delivered') {
        await this.asCustomer(org.id, entity, 'update_event_properties', {
          chat_id: row.chatId,
          thread_id: row.threadId,
          event_id: row.eventId,
          properties: { status: { delivered: true } },
        });
      } else {
        // WhatsApp's read time has whole seconds: the read happened within that second, and not after now.
        const seen = new Date(Math.min(u.at.getTime() + 999, this.now().getTime()));
        await this.asCustomer(org.id, entity, 'mark_events_as_seen', { chat_id: row.chatId, seen_up_to: seen.toISOString() });
      }
    } catch (err) {
      this.log.info(
        { organizationId: org.id, status: u.status, err: err instanceof LiveChatApiError ? err.type : 'error' },
        'could not mark a relayed reply in the chat',
      );
    }
  };

  /**
   * Kaleyra or Meta refused a relayed reply after accepting it (131047, 131026, ...): the agents read why in the chat,
   * in the sidebar's words, once per message however often the callback comes (the outbound row's 'sent' → 'failed').
   */
  private async onLateRefusal(org: OrganizationRow, u: StatusUpdate): Promise<void> {
    try {
      const row = await repo.relayedMessage(this.db, org.id, u.ref, u.providerMessageId);
      if (!row) return;
      const code = `provider:${u.errorCode ?? ''}`;
      if (!(await repo.failSentOutbound(this.db, row.eventId, code))) return;
      const chat = await repo.findChat(this.db, org.id, row.chatId);
      if (chat) await repo.recordFailure(this.db, chat.number.id, 'outbound', code, this.now());
      await this.note(org.id, row.chatId, `Not delivered on WhatsApp: ${describeProviderError(u.errorCode).message}`);
    } catch (err) {
      this.log.info({ organizationId: org.id, err: err instanceof Error ? err.message : 'error' }, 'could not note a late refusal');
    }
  }

  /** A template sent from the WhatsApp panel to a relayed customer shows in their chat as an agents-only note. */
  readonly onTemplateSent = async (organizationId: string, sent: { numberId: string; to: string; templateName: string }): Promise<void> => {
    try {
      const identity = await repo.findIdentity(this.db, sent.numberId, sent.to);
      const chat = identity ? await repo.chatOfIdentity(this.db, identity.id) : undefined;
      if (chat) await this.note(organizationId, chat.chatId, `Template ${sent.templateName} sent to the customer on WhatsApp.`);
    } catch (err) {
      this.log.info({ organizationId, err: err instanceof Error ? err.message : 'error' }, 'could not note a template in the chat');
    }
  };

  // ---- outbound: LiveChat → WhatsApp ---------------------------------------------------------------

  /** The chat webhooks (v3.6 envelope). Authenticated by `secret_key`, compared in constant time. */
  async onChatWebhook(body: unknown): Promise<string> {
    const parsed = ChatWebhookSchema.safeParse(body);
    const given = parsed.success ? (parsed.data.secret_key ?? '') : '';
    const ok = safeEqual(given, this.config.webhookSecret ?? `unset:${given}x`) && !!this.config.webhookSecret;
    if (!parsed.success || !ok) throw unauthorized();
    const hook = parsed.data;
    const org = await findOrganization(this.db, hook.organization_id);
    const auth = org ? await repo.findAuthorization(this.db, org.id) : undefined;
    // Another license, or a business without the relay: nothing of ours to do, and nothing changes.
    if (!org || !auth) throw unauthorized();
    if (hook.action === 'chat_deactivated') {
      const p = ChatDeactivatedPayload.safeParse(hook.payload);
      if (!p.success) throw errors.validation([{ path: 'payload.chat_id', message: 'missing' }], 'Malformed chat webhook.');
      return (await repo.setChatActive(this.db, org.id, p.data.chat_id, false)) ? 'deactivated' : 'ignored';
    }
    if (hook.action !== 'incoming_event') return 'ignored';
    const p = IncomingEventPayload.safeParse(hook.payload);
    if (!p.success) throw errors.validation([{ path: 'payload.event', message: 'malformed' }], 'Malformed chat webhook.');
    const { chat_id: chatId, thread_id: threadId, event } = p.data;
    if (event.visibility === 'agents' || event.type === 'system_message' || event.custom_id?.startsWith(OWN_CUSTOM_ID)) return 'ignored';
    if (event.author_id && (await repo.isOwnEntity(this.db, org.id, event.author_id))) return 'ignored';
    if (auth.botId && event.author_id === auth.botId) return 'ignored';
    const chat = await repo.findChat(this.db, org.id, chatId);
    if (!chat) return 'ignored';
    if (!(await repo.claimOutbound(this.db, { eventId: event.id, organizationId: org.id, chatId, threadId: threadId ?? null })))
      return 'replayed';
    const payload: OutboundPayload = {
      text: event.type === 'message' ? (event.text ?? null) : null,
      type: event.type,
      authorId: event.author_id ?? null,
      ...(event.type === 'file' && event.url
        ? { file: { url: event.url, name: event.name ?? null, contentType: event.content_type ?? null } }
        : {}),
    };
    const job: OutboundJob = {
      organizationId: org.id,
      eventId: event.id,
      sealed: this.vault.seal(org.id, JSON.stringify(payload)),
      receivedAt: requestReceivedAt() ?? nowMs(),
    };
    try {
      await this.enqueue(RELAY_JOBS.outbound, job, keyOf(chat.number.id, chat.identity.customer), () => this.relayOutbound(job, 0));
    } catch (err) {
      await repo.forgetOutbound(this.db, event.id);
      throw err;
    }
    return 'queued';
  }

  /** One agent event to WhatsApp through the one send path ('relay_reply'); a refusal becomes an agents-only note. */
  async relayOutbound(job: OutboundJob, attempt: number): Promise<void> {
    const row = await repo.findOutbound(this.db, job.eventId);
    if (!row || row.status !== 'pending') return;
    const opened = this.vault.open(job.organizationId, job.sealed);
    const payload = opened ? (JSON.parse(opened) as OutboundPayload) : null;
    const chat = await repo.findChat(this.db, row.organizationId, row.chatId);
    const org = await findOrganization(this.db, row.organizationId);
    if (!chat || !org || !payload) {
      await repo.settleOutbound(this.db, row.eventId, { status: 'skipped', errorCode: payload ? 'unknown_chat' : 'unreadable' });
      return;
    }
    const refuse = async (code: string, note: string) => {
      await repo.settleOutbound(this.db, row.eventId, { status: 'refused', errorCode: code });
      await repo.recordFailure(this.db, chat.number.id, 'outbound', code, this.now());
      await this.note(org.id, row.chatId, note);
    };
    let media: Extract<OutboundMessage, { kind: 'media' }> | undefined;
    if (payload.file) {
      if (!isLiveChatFileUrl(payload.file.url, this.config.apiUrl))
        return refuse('file_not_livechat', 'Not sent to WhatsApp: only files uploaded to LiveChat can be sent.');
      const declared = whatsappMediaOf(payload.file.contentType ?? 'application/octet-stream');
      let file;
      try {
        file = await fetchMedia(payload.file.url, declared.limit);
      } catch (err) {
        if (err instanceof MediaTooLarge) {
          return refuse(
            'file_too_large',
            `Not sent to WhatsApp: the file is larger than WhatsApp takes for this type (${Math.round(declared.limit / 1024 / 1024)} MB).`,
          );
        }
        if (attempt < RETRY_LIMIT) throw err;
        return refuse('file_unavailable', 'Not sent to WhatsApp: the file could not be read from LiveChat.');
      }
      const contentType = payload.file.contentType ?? file.contentType;
      const name = payload.file.name ?? 'file';
      media = {
        kind: 'media',
        mediaKind: whatsappMediaOf(contentType).kind,
        link: payload.file.url,
        filename: name,
        file: { bytes: file.bytes, contentType, name },
      };
    } else if (payload.type !== 'message' || !payload.text?.trim()) {
      return refuse('unsupported_event', 'Not sent to WhatsApp: this kind of chat event cannot be relayed.');
    }
    const req: SendMessageRequest = {
      kind: 'text',
      numberId: chat.number.id,
      to: chat.identity.customer,
      // A file's name stands in for the text the request needs; the file itself is what goes out.
      text: (media ? (payload.file?.name ?? 'file') : (payload.text ?? '')).slice(0, 4096),
      // The LiveChat event id is the send's idempotency key: a replayed or retried job finds the same message.
      clientRef: `relay:${row.eventId}`,
      chatId: row.chatId,
    };
    const identity = {
      accountId: payload.authorId ?? 'livechat-agent',
      organizationId: org.id,
      name: null,
      email: null,
      role: 'agent' as const,
    };
    try {
      const sent = await this.messaging.send(identity, org, req, 'relay_reply', media ? { media } : {});
      markProviderAnswer();
      await repo.settleOutbound(this.db, row.eventId, { status: 'sent', messageId: sent.message.id });
    } catch (err) {
      if (!(err instanceof DomainError)) {
        if (attempt < RETRY_LIMIT) throw err;
        await repo.settleOutbound(this.db, row.eventId, { status: 'failed', errorCode: 'internal' });
        await repo.recordFailure(this.db, chat.number.id, 'outbound', 'internal', this.now());
        await this.note(org.id, row.chatId, 'Not sent to WhatsApp: the app could not send this reply. Try again from the WhatsApp panel.');
        return;
      }
      const providerCode = err.extra.providerCode;
      const code = providerCode ? `provider:${providerCode}` : err.code;
      await repo.settleOutbound(this.db, row.eventId, { status: 'refused', errorCode: code.slice(0, 60) });
      await repo.recordFailure(this.db, chat.number.id, 'outbound', code, this.now());
      // A business that lost access (uninstalled, terminated) has no bot to speak for it any more.
      if (err.code !== ErrorCode.accountClosed) await this.note(org.id, row.chatId, refusalNote(err));
    }
  }
}

/** A customer's FIFO key in the queue: a digest, so pg-boss's tables hold no phone number. */
function keyOf(numberId: string, customer: string): string {
  return createHash('sha256').update(`${numberId}:${customer}`).digest('hex').slice(0, 32);
}
