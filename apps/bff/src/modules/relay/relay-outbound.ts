import { ErrorCode, type SendMessageRequest } from '@wa/contracts';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import { markProviderAnswer, nowMs } from '../../lib/provider-time.ts';
import { requestReceivedAt } from '../../lib/request-context.ts';
import type { OutboundMessage } from '../../providers/kaleyra/kaleyra.port.ts';
import type { TokenVault } from '../billing/token-vault.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import { findOrganization } from '../organizations/organizations.service.ts';
import { safeEqual } from '../webhooks/kaleyra-webhook.service.ts';
import { fetchMedia, isLiveChatFileUrl, MediaTooLarge, whatsappMediaOf } from './relay-media.ts';
import { keyOf, RELAY_JOBS, RETRY_LIMIT, type Claim, type RelayJobData, type RelayQueue } from './relay-queue.ts';
import { OWN_CUSTOM_ID, type LiveChatSession } from './relay-session.ts';
import * as repo from './relay.repo.ts';

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

export interface OutboundJob extends RelayJobData {
  eventId: string;
  /** Attempts made before the job was queued again to wait for Kaleyra's word on a reply cut off mid-send. */
  attempts?: number;
}
interface OutboundPayload {
  text: string | null;
  type: string;
  authorId: string | null;
  file?: { url: string; name: string | null; contentType: string | null };
}

type MediaMessage = Extract<OutboundMessage, { kind: 'media' }>;

/** The longest a cut-off reply's job waits before it looks again. */
const CONFIRM_LOOK_MS = 60_000;

const unauthorized = () => new DomainError(ErrorCode.webhookUnauthorized, 'Unauthorized webhook', 'Missing or wrong secret_key.');

/** What the agents-only note says when a reply is refused. */
function refusalNote(err: DomainError): string {
  if (err.code === ErrorCode.windowClosed)
    return 'Not sent to WhatsApp: the customer has not written in the last 24 hours. Send an approved template from the WhatsApp panel.';
  return `Not sent to WhatsApp: ${err.detail}`;
}

/** LiveChat → WhatsApp: agents' chat events through the one send path ('relay_reply'); a refusal becomes an agents-only note. */
export class RelayOutbound {
  constructor(
    private readonly db: Db,
    private readonly session: LiveChatSession,
    private readonly vault: TokenVault,
    private readonly jobs: RelayQueue,
    private readonly messaging: MessagingService,
    private readonly config: { webhookSecret: string | null; apiUrl: string },
    private readonly now: () => Date,
  ) {}

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
    const claim: Claim = {
      key: event.id,
      fifoKey: keyOf(chat.number.id, chat.identity.customer),
      take: (conn) => repo.claimOutbound(conn, { eventId: event.id, organizationId: org.id, chatId, threadId: threadId ?? null }),
      pending: async (conn) => (await repo.findOutbound(conn, event.id))?.status === 'pending',
      forget: () => repo.forgetOutbound(this.db, event.id),
    };
    return this.jobs.claim(RELAY_JOBS.outbound, claim, job, () => this.relayOutbound(job, 0));
  }

  /**
   * One agent event to WhatsApp through the one send path ('relay_reply'); a refusal becomes an agents-only note. A
   * reply whose send was cut off (the process stopped after recording its message, before Kaleyra's answer) is
   * settled by Kaleyra's callbacks if they come within the confirmation window, and otherwise sent again once, as
   * the same message with the same ref, when the window is over: the job is queued again to look then.
   */
  async relayOutbound(job: OutboundJob, retry: number): Promise<void> {
    const attempt = retry + (job.attempts ?? 0);
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
    const settle = async (status: 'refused' | 'failed', code: string, note: string | null) => {
      await repo.settleOutbound(this.db, row.eventId, { status, errorCode: code.slice(0, 60) });
      await repo.recordFailure(this.db, chat.number.id, 'outbound', code, this.now());
      if (note) await this.session.note(org.id, row.chatId, note);
    };
    const clientRef = `relay:${row.eventId}`;
    // Only a job that ran before (retried, or queued again to wait) can find its send cut off.
    const cutOff = retry > 0 || job.attempts !== undefined ? await this.messaging.interruptedSend(org.id, clientRef) : null;
    if (cutOff && cutOff.resendAt > this.now()) return this.confirmLater(job, attempt, chat, cutOff.resendAt);
    let media: MediaMessage | undefined;
    if (payload.file) {
      const file = await this.agentFile(payload.file, attempt);
      if (typeof file === 'string') return settle('refused', file, FILE_REFUSALS[file](payload.file.contentType));
      media = file;
    } else if (payload.type !== 'message' || !payload.text?.trim()) {
      return settle('refused', 'unsupported_event', 'Not sent to WhatsApp: this kind of chat event cannot be relayed.');
    }
    const req: SendMessageRequest = {
      kind: 'text',
      numberId: chat.number.id,
      to: chat.identity.customer,
      // A file's name stands in for the text the request needs; the file itself is what goes out.
      text: (media ? (payload.file?.name ?? 'file') : (payload.text ?? '')).slice(0, 4096),
      // The LiveChat event id is the send's idempotency key: a replayed or retried job finds the same message.
      clientRef,
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
      // Kaleyra gets the LiveChat event id as the ref (v2 echoes it in callbacks and de-duplicates a repeated send on it).
      const extra = { ref: row.eventId, ...(media ? { media } : {}) };
      const again = cutOff ? await this.messaging.resendInterrupted(org, cutOff.messageId, req, 'relay_reply', extra) : null;
      if (again && 'resendAt' in again) return this.confirmLater(job, attempt, chat, again.resendAt);
      const sent = again ?? (await this.messaging.send(identity, org, req, 'relay_reply', extra));
      markProviderAnswer();
      await repo.settleOutbound(this.db, row.eventId, { status: 'sent', messageId: sent.message.id });
    } catch (err) {
      if (!(err instanceof DomainError)) {
        if (attempt < RETRY_LIMIT) throw err;
        return settle('failed', 'internal', 'Not sent to WhatsApp: the app could not send this reply. Try again from the WhatsApp panel.');
      }
      const providerCode = err.extra.providerCode;
      // A business that lost access (uninstalled, terminated) has no bot to speak for it any more.
      const note = err.code === ErrorCode.accountClosed ? null : refusalNote(err);
      await settle('refused', providerCode ? `provider:${providerCode}` : err.code, note);
    }
  }

  /**
   * A cut-off reply waits for Kaleyra's word until `resendAt` (looking again at least every minute): its job is
   * queued again, behind what its customer has queued meanwhile. Without workers the webhook fails and comes again.
   */
  private async confirmLater(
    job: OutboundJob,
    attempt: number,
    chat: { number: { id: string }; identity: { customer: string } },
    resendAt: Date,
  ) {
    const delayMs = Math.min(Math.max(resendAt.getTime() - this.now().getTime(), 0) + 100, CONFIRM_LOOK_MS);
    const fifoKey = keyOf(chat.number.id, chat.identity.customer);
    const again: OutboundJob = { ...job, attempts: attempt };
    if (await this.jobs.sendAgain(RELAY_JOBS.outbound, again, fifoKey, delayMs)) return;
    throw new Error('a reply cut off mid-send waits for Kaleyra');
  }

  /** An agent's file read from LiveChat's CDN into memory, or why it is refused (thrown while a retry may still read it). */
  private async agentFile(f: NonNullable<OutboundPayload['file']>, attempt: number): Promise<MediaMessage | keyof typeof FILE_REFUSALS> {
    if (!isLiveChatFileUrl(f.url, this.config.apiUrl)) return 'file_not_livechat';
    const declared = whatsappMediaOf(f.contentType ?? 'application/octet-stream');
    let file;
    try {
      file = await fetchMedia(f.url, declared.limit);
    } catch (err) {
      if (err instanceof MediaTooLarge) return 'file_too_large';
      if (attempt < RETRY_LIMIT) throw err;
      return 'file_unavailable';
    }
    const contentType = f.contentType ?? file.contentType;
    const name = f.name ?? 'file';
    return {
      kind: 'media',
      mediaKind: whatsappMediaOf(contentType).kind,
      link: f.url,
      filename: name,
      file: { bytes: file.bytes, contentType, name },
    };
  }
}

/** The notes of an agent's file that is not sent, by the code the owner's view shows. */
const FILE_REFUSALS = {
  file_not_livechat: () => 'Not sent to WhatsApp: only files uploaded to LiveChat can be sent.',
  file_too_large: (contentType: string | null) =>
    `Not sent to WhatsApp: the file is larger than WhatsApp takes for this type (${Math.round(whatsappMediaOf(contentType ?? 'application/octet-stream').limit / 1024 / 1024)} MB).`,
  file_unavailable: () => 'Not sent to WhatsApp: the file could not be read from LiveChat.',
};
