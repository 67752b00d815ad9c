import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import type { Logger } from '../../lib/logger.ts';
import { markProviderAnswer, nowMs } from '../../lib/provider-time.ts';
import { requestReceivedAt } from '../../lib/request-context.ts';
import { LiveChatApiError } from '../../providers/livechat-chat/livechat-chat.port.ts';
import type { TokenVault } from '../billing/token-vault.ts';
import type { IncomingMessage } from '../webhooks/kaleyra-webhook.parse.ts';
import { finishContent, inboundContent, unknownTypeText, v1MessageKey, type InboundMedia } from './relay-content.ts';
import { fetchMedia, MediaTooLarge, UPLOAD_LIMIT_BYTES } from './relay-media.ts';
import { keyOf, RELAY_JOBS, RETRY_LIMIT, type Claim, type RelayJobData, type RelayQueue } from './relay-queue.ts';
import { OWN_CUSTOM_ID, ReconnectNeeded, type LiveChatSession } from './relay-session.ts';
import * as repo from './relay.repo.ts';

export interface InboundJob extends RelayJobData {
  providerMessageId: string;
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

const OPTED_OUT_NOTE =
  'The customer opted out of WhatsApp messages from your business: replies in this chat will not be sent to them until they opt back in (START).';

/** WhatsApp → LiveChat: a customer's messages into their one chat (start_chat, send_event, or resume_chat once archived). */
export class RelayInbound {
  constructor(
    private readonly db: Db,
    private readonly session: LiveChatSession,
    private readonly vault: TokenVault,
    private readonly jobs: RelayQueue,
    private readonly optsOut: (text: string | null) => boolean,
    private readonly log: Logger,
    private readonly now: () => Date,
  ) {}

  /** Kaleyra's incoming webhook handler: claims the message and queues its relay (the texts sealed). */
  readonly onIncoming = async (org: OrganizationRow, numberId: string, m: IncomingMessage): Promise<void> => {
    const target = await repo.relayTarget(this.db, org.id, numberId);
    if (!target) return;
    const number = await repo.findNumber(this.db, numberId);
    if (!number) return;
    const content = inboundContent(m.raw, number.apiVersion, m.text);
    const providerMessageId = m.providerMessageId ?? v1MessageKey(m.raw ?? { from: m.from, created_at: m.at.getTime(), type: m.type });
    const payload: InboundPayload = {
      texts: content.texts,
      name: m.name,
      refersTo: content.refersTo,
      type: content.type,
      optOut: this.optsOut(m.text),
      ...(content.media ? { media: content.media } : {}),
    };
    const job: InboundJob = {
      organizationId: org.id,
      providerMessageId,
      sealed: this.vault.seal(org.id, JSON.stringify(payload)),
      receivedAt: requestReceivedAt() ?? nowMs(),
    };
    const claim: Claim = {
      key: providerMessageId,
      fifoKey: keyOf(numberId, m.from),
      take: (conn) =>
        repo.claimInbound(conn, { providerMessageId, organizationId: org.id, numberId, customer: m.from, type: content.type }),
      pending: async (conn) => (await repo.findInbound(conn, providerMessageId))?.status === 'pending',
      // Not relayed: the webhook fails and Kaleyra delivers it again, which must find it unclaimed.
      forget: () => repo.forgetInbound(this.db, providerMessageId),
    };
    if ((await this.jobs.claim(RELAY_JOBS.inbound, claim, job, () => this.relayInbound(job, 0))) === 'replayed')
      this.log.info({ organizationId: org.id }, 'replayed incoming message not relayed again');
  };

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
    try {
      if (await repo.earlierPending(this.db, row)) {
        // Two webhooks of one customer at once can store their claims and their jobs in opposite orders: the earlier
        // message's job then waits behind this one, and a retry here would hold it back. This job goes behind it.
        if (await this.jobs.sendAgain(RELAY_JOBS.inbound, job, keyOf(row.numberId, row.customer), 200)) return;
        throw new Error('an earlier message of this customer is still waiting');
      }
      const target = await repo.relayTarget(this.db, row.organizationId, row.numberId);
      const number = await repo.findNumber(this.db, row.numberId);
      if (!target || !number || target.settings.groupId === null) {
        await repo.settleInbound(this.db, row.providerMessageId, { status: 'skipped', errorCode: 'relay_off' });
        return;
      }
      const groupIds = [target.settings.groupId];
      const referredAt = payload.refersTo ? await repo.messageTime(this.db, row.organizationId, payload.refersTo) : null;
      const texts = finishContent({ type: payload.type, texts: payload.texts, refersTo: payload.refersTo }, referredAt);
      const identity = await this.identity(row.organizationId, row.numberId, row.customer);
      const events: object[] = [];
      if (payload.media) events.push(await this.fileEvent(row, identity.entityId, payload.media, payload.type));
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
      const asCustomer = (action: string, body: unknown) => this.session.asCustomer(row.organizationId, identity.entityId, action, body);
      let chatId: string;
      let eventId: string | null = null;
      if (!chat) {
        await asCustomer('update_customer', profile);
        const started = z
          .object({ chat_id: z.string(), event_ids: z.array(z.string()).optional() })
          .parse(await asCustomer('start_chat', { chat: { access: { group_ids: groupIds }, thread: { events } }, continuous: true }));
        chatId = started.chat_id;
        eventId = started.event_ids?.[0] ?? null;
        await repo.saveChat(this.db, { chatId, organizationId: row.organizationId, identityId: identity.id });
      } else {
        chatId = chat.chatId;
        if (payload.name) await asCustomer('update_customer', profile);
        eventId = chat.active ? await this.sendEvents(row.organizationId, identity.entityId, chatId, events) : null;
        if (eventId === null) {
          const resumed = z.object({ event_ids: z.array(z.string()).optional() }).parse(
            await asCustomer('resume_chat', {
              chat: { id: chatId, access: { group_ids: groupIds }, thread: { events } },
              continuous: true,
            }),
          );
          eventId = resumed.event_ids?.[0] ?? null;
          await repo.setChatActive(this.db, row.organizationId, chatId, true);
        }
      }
      markProviderAnswer();
      await repo.settleInbound(this.db, row.providerMessageId, { status: 'posted', chatId, eventId });
      if (payload.optOut) await this.session.note(row.organizationId, chatId, OPTED_OUT_NOTE);
    } catch (err) {
      await this.failOrRetry(row, err, attempt);
    }
  }

  /** A failed attempt is retried while it may still succeed; then the message is marked failed and the owner's view shows it. */
  private async failOrRetry(row: repo.RelayInboundRow, err: unknown, attempt: number) {
    const reconnect = err instanceof ReconnectNeeded;
    const retryable = reconnect || !(err instanceof LiveChatApiError) || err.retryable;
    if (retryable && attempt < RETRY_LIMIT) throw err;
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

  /** The file goes provider → memory → LiveChat's CDN; its bytes are never stored. Too large: a line saying so. */
  private async fileEvent(row: repo.RelayInboundRow, entityId: string, media: InboundMedia, type: string): Promise<object> {
    try {
      const file = await fetchMedia(media.url, UPLOAD_LIMIT_BYTES);
      const token = await this.session.customerToken(row.organizationId, entityId);
      const { url } = await this.session.livechat.uploadFile(token, row.organizationId, {
        name: media.filename,
        contentType: media.mimeType || file.contentType,
        bytes: file.bytes,
      });
      return { type: 'file', url, custom_id: `${OWN_CUSTOM_ID}${row.providerMessageId}:file` };
    } catch (err) {
      if (!(err instanceof MediaTooLarge)) throw err;
      return {
        type: 'message',
        text: `[WhatsApp sent a ${type} larger than LiveChat takes (10 MB): ask the customer to send it another way]`,
      };
    }
  }

  /** The identity's chat as LiveChat knows it, when our record of it was lost to a crash (start_chat answered, then death). */
  private async recoverChat(organizationId: string, identity: repo.RelayIdentityRow): Promise<repo.RelayChatRow | undefined> {
    const listed = z
      .object({ chats_summary: z.array(z.object({ id: z.string(), active: z.boolean().optional() }).passthrough()).default([]) })
      .parse(await this.session.asCustomer(organizationId, identity.entityId, 'list_chats', { limit: 1 }));
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
      .parse(await this.session.asCustomer(organizationId, entityId, 'get_chat', { chat_id: chatId }));
    return chat.thread?.events.find((e) => e.custom_id?.startsWith(customIdPrefix))?.id ?? null;
  }

  /** send_event of each text; null when the chat has no active thread (the caller resumes it). */
  private async sendEvents(organizationId: string, entityId: string, chatId: string, events: object[]): Promise<string | null> {
    let first: string | null = null;
    for (const event of events) {
      try {
        const sent = z
          .object({ event_id: z.string() })
          .parse(await this.session.asCustomer(organizationId, entityId, 'send_event', { chat_id: chatId, event }));
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
    const grant = await this.session.livechat.customerToken(await this.session.agentToken(organizationId));
    this.session.rememberCustomerToken(grant.entityId, grant);
    return repo.insertIdentity(this.db, { organizationId, numberId, customer, entityId: grant.entityId });
  }
}
