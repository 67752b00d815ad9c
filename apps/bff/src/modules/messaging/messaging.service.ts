import {
  describeProviderError,
  ErrorCode,
  type Balance,
  type ConversationCategory,
  type ConversationStatus,
  type ConversationStatusQuery,
  type MessageStatus,
  type Quote,
  type QuoteQuery,
  type SendMessageRequest,
  type SendMessageResponse,
} from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { ProviderError, type KaleyraPort, type OutboundMessage } from '../../providers/kaleyra/kaleyra.port.ts';
import { messageSends, safeCode } from '../../lib/metrics.ts';
import type { Identity } from '../auth/auth.service.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { NumberRow, TemplateRow } from '../../db/rows.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import { findOptOut } from '../optouts/optouts.service.ts';
import type { OptOutSource } from '../../db/rows.ts';
import type { SendPath, SendPolicy } from '../sending/send-policy.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import { customerWindowAt } from './conversation-window.ts';
import { messagesPage } from './message-history.repo.ts';
import * as repo from './messaging.repo.ts';
import { toMessageDto } from './message-dto.ts';
import { applyStatusIn, RANK } from './message-status.ts';
import { ProgressBatcher } from './progress-batch.ts';
import { claimResend, isInterrupted, resendAt } from './resend.ts';
import { recordSend, rideOn } from './send-record.ts';
import { templateOutbound } from './template-outbound.ts';
import { isUuid } from '../../lib/uuid.ts';

export interface MessagingConfig {
  chargedCategories: readonly ConversationCategory[];
  windowHours: number;
  /** Builds the v1 per-message status callback URL for an organization. */
  statusCallbackUrl: (org: OrganizationRow) => string;
  /** Kaleyra's request timeout: a send still queued well after it was interrupted. */
  kaleyraTimeoutMs: number;
  /** How long a send whose outcome is unknown waits for Kaleyra's status callbacks before it is closed. */
  confirmWindowMs?: number;
}

/** Picks the template actually sent for a chosen one (e.g. its copy that carries the opt-out instruction). */
export type TemplateResolver = (number: NumberRow, template: TemplateRow) => Promise<TemplateRow>;

type MediaMessage = Extract<OutboundMessage, { kind: 'media' }>;

/** How long after Kaleyra's timeout a still-queued send counts as interrupted. */
const INTERRUPTED_GRACE_MS = 60_000;

/** Reads other modules use: which recipients already have an open conversation. */
export { openAmong as openConversationsAmong } from './messaging.repo.ts';
export type NewConversation = Parameters<typeof repo.insertBatch>[1][number];
export type NewMessage = Parameters<typeof repo.insertBatch>[2][number];

export class MessagingService {
  constructor(
    private readonly db: Db,
    private readonly ledger: LedgerService,
    private readonly kaleyra: KaleyraPort,
    private readonly numbers: NumbersService,
    /** Whether a message may go (the business, the number, the recipient, the window, the balance): asked inside every send's transaction. */
    private readonly policy: SendPolicy,
    private readonly balanceOf: (organizationId: string) => Promise<Balance>,
    private readonly config: MessagingConfig,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.progress = new ProgressBatcher(db);
  }

  private templateResolver: TemplateResolver = async (_n, t) => t;
  /** Forward-only status callbacks, applied many to a statement under load. */
  private readonly progress: ProgressBatcher;

  /** Opt-out instruction of marketing templates (optouts module); set once at start-up. */
  useTemplateResolver(resolver: TemplateResolver) {
    this.templateResolver = resolver;
  }

  private readonly templateSentHandlers: ((
    organizationId: string,
    sent: { numberId: string; to: string; templateName: string },
  ) => Promise<void>)[] = [];

  /** Told of every template Kaleyra accepted from a one-on-one send (e.g. the WhatsApp chat's transcript); must not throw. */
  onTemplateSent(handler: (organizationId: string, sent: { numberId: string; to: string; templateName: string }) => Promise<void>) {
    this.templateSentHandlers.push(handler);
  }

  /** The template that actually goes out for a chosen one; campaigns send through the same choice. */
  resolveTemplate(number: NumberRow, template: TemplateRow): Promise<TemplateRow> {
    return this.templateResolver(number, template);
  }

  private windowMs() {
    return this.config.windowHours * 3_600_000;
  }

  private costOf(category: ConversationCategory): number {
    return this.config.chargedCategories.includes(category) ? 1 : 0;
  }

  async customerWindowUntil(conn: Db | Tx, numberId: string, recipient: string, now: Date): Promise<Date | null> {
    const w = customerWindowAt((await repo.findCustomerWindow(conn, numberId, recipient))?.lastInboundAt, now, this.windowMs());
    return w.open ? w.closesAt : null;
  }

  async quote(org: OrganizationRow, q: QuoteQuery): Promise<Quote> {
    const number = await this.numbers.get(org.id, q.numberId);
    const now = this.now();
    const [open, customerUntil, balance] = await Promise.all([
      rideOn(this.db, number.id, q.to, q.category, now),
      this.customerWindowUntil(this.db, number.id, q.to, now),
      this.balanceOf(org.id),
    ]);
    const cost = open ? 0 : this.costOf(q.category);
    return {
      opensConversation: !open,
      cost,
      remaining: balance.remaining,
      conversationOpenUntil: (open ? open.expiresAt : new Date(now.getTime() + this.windowMs())).toISOString(),
      customerWindowOpenUntil: customerUntil?.toISOString() ?? null,
      ridesOn: open?.category ?? null,
    };
  }

  /** What WhatsApp's rules allow towards one customer from one number right now. */
  async status(org: OrganizationRow, q: ConversationStatusQuery): Promise<ConversationStatus> {
    const number = await this.numbers.get(org.id, q.numberId);
    const now = this.now();
    const [inbound, open, listed, blocks] = await Promise.all([
      repo.findCustomerWindow(this.db, number.id, q.to),
      repo.listOpenConversations(this.db, number.id, q.to, now),
      findOptOut(this.db, org.id, q.to),
      this.policy.privacyBlocks(this.db, org.id, [q.to]),
    ]);
    // Privacy (L.11b–c): an erased number's opt-out is held under its keyed hash; a restriction blocks every send.
    const block = blocks.get(q.to);
    const optOut = listed
      ? { source: listed.source, reason: listed.reason, at: listed.createdAt.toISOString() }
      : block?.code === 'erased_opted_out'
        ? { source: block.source as OptOutSource, reason: block.reason, at: block.at.toISOString() }
        : null;
    const restriction = block?.code === 'restricted' ? { reason: block.reason ?? '', at: block.at.toISOString() } : null;
    const window = customerWindowAt(inbound?.lastInboundAt, now, this.windowMs());
    return {
      numberId: number.id,
      to: q.to,
      serverTime: now.toISOString(),
      customerWindow: {
        open: window.open,
        lastMessageAt: inbound?.lastInboundAt.toISOString() ?? null,
        closesAt: window.open && window.closesAt ? window.closesAt.toISOString() : null,
      },
      openConversations: open.map((c) => ({
        category: c.category,
        openedAt: c.openedAt.toISOString(),
        expiresAt: c.expiresAt.toISOString(),
        cost: c.cost,
      })),
      optOut,
      restriction,
      canSendText: window.open && !optOut && !restriction,
      canSendTemplates: !optOut && !restriction,
    };
  }

  /**
   * One message to one customer; `path` names the send path for the policy (a campaign's test send is one too).
   * `media` sends a file in place of a free-text request's text (an agent's file in a WhatsApp chat), under the
   * same rules, window and accounting as the text. `ref` is given to Kaleyra (and echoed in its callbacks) in place
   * of our message id; the callback lookup must know it (a relayed reply's LiveChat event id).
   */
  async send(
    identity: Identity,
    org: OrganizationRow,
    req: SendMessageRequest,
    path: SendPath = req.kind,
    extra: { media?: MediaMessage; ref?: string } = {},
  ): Promise<SendMessageResponse> {
    // Read side by side: a replay answers with its message whatever became of the number since.
    const [replay, number] = await Promise.all([
      repo.findMessageByClientRef(this.db, org.id, req.clientRef),
      this.numbers.get(org.id, req.numberId).catch((err: unknown) => ({ failed: err })),
    ]);
    if (replay) return this.response(org.id, replay.id, false);
    if ('failed' in number) throw number.failed;

    const now = this.now();
    const { category, outbound } = await this.outboundOf(number, req, extra.media);

    // The conversation, the spend and the message, in one transaction (see send-record.ts for its locks).
    const deps = {
      db: this.db,
      ledger: this.ledger,
      policy: this.policy,
      windowMs: this.windowMs(),
      costOf: (c: ConversationCategory) => this.costOf(c),
    };
    const prepared = await recordSend(deps, identity, org, number.id, req, path, category, outbound, now);
    if (prepared.replay) return this.response(org.id, prepared.messageId, false);
    await this.deliver(org, number, prepared.messageId, req.to, outbound, extra.ref);
    return this.response(org.id, prepared.messageId, prepared.opened);
  }

  /**
   * The send recorded under `clientRef` if the process stopped in the middle of it (recorded, queued, no Kaleyra id,
   * no status from a callback), and when it may go again: once the confirmation window since it was queued (or
   * last sent again) has passed with no word from Kaleyra. Null when there is no such send.
   */
  async interruptedSend(organizationId: string, clientRef: string): Promise<{ messageId: string; resendAt: Date } | null> {
    const message = await repo.findMessageByClientRef(this.db, organizationId, clientRef);
    if (!message || !isInterrupted(message)) return null;
    return { messageId: message.id, resendAt: resendAt(message, this.config.confirmWindowMs ?? 0) };
  }

  /**
   * Sends again, as the same message (id, conversation, no second spend) with the same `ref`, a send the process
   * stopped in the middle of (`messageId`, as `interruptedSend` found it); the caller gives the request and media again (bodies are never
   * stored). The send policy is asked again first, with nothing to spend: a refusal closes the message `not_sent`
   * (its conversation given back) and is thrown; Kaleyra's answer is handled as a send's. `resendAt` while it may
   * not go yet; null when its outcome is known by now (the send's replay answers). Only the chat relay calls it.
   */
  async resendInterrupted(
    org: OrganizationRow,
    messageId: string,
    req: SendMessageRequest,
    path: SendPath,
    extra: { media?: MediaMessage; ref?: string } = {},
  ): Promise<SendMessageResponse | { resendAt: Date } | null> {
    const deps = { db: this.db, ledger: this.ledger, policy: this.policy, confirmWindowMs: this.config.confirmWindowMs ?? 0 };
    const claim = await claimResend(deps, org.id, messageId, path, this.now());
    if (!claim || 'resendAt' in claim) return claim;
    if ('refused' in claim) throw claim.refused;
    const number = await this.numbers.get(org.id, claim.message.numberId);
    const { outbound } = await this.outboundOf(number, req, extra.media);
    this.log.warn({ messageId: claim.message.id }, 'no word from Kaleyra within the confirmation window: sending again with the same ref');
    await this.deliver(org, number, claim.message.id, claim.message.recipient, outbound, extra.ref);
    return this.response(org.id, claim.message.id, false);
  }

  /** What a request sends: a template (the one actually sent for it), an agent's file, or the text. */
  private async outboundOf(number: NumberRow, req: SendMessageRequest, media: MediaMessage | undefined) {
    if (req.kind === 'template') return templateOutbound(this.db, number, req, (n, t) => this.resolveTemplate(n, t));
    return { category: 'service' as ConversationCategory, outbound: (media ?? { kind: 'text', body: req.text }) as OutboundMessage };
  }

  /**
   * A recorded message to Kaleyra, and its answer recorded: accepted with Kaleyra's id, or failed (an opening message
   * gives its conversation back) and thrown as the sender's problem. v1 carries our id in its status callback URL
   * (it has no ref): callbacks of a send whose answer was lost still find their message.
   */
  private async deliver(org: OrganizationRow, number: NumberRow, messageId: string, to: string, outbound: OutboundMessage, ref?: string) {
    try {
      const callback = number.apiVersion === 'v1' ? this.config.statusCallbackUrl(org) : null;
      const result = await this.kaleyra.send({
        apiVersion: number.apiVersion,
        from: number.number,
        to,
        message: outbound,
        ref: ref ?? messageId,
        ...(callback ? { callbackUrl: `${callback}${callback.includes('?') ? '&' : '?'}ref=${messageId}` } : {}),
      });
      await repo.acceptMessage(this.db, messageId, result.providerMessageId, this.now());
      messageSends.inc({ kind: 'one_to_one', outcome: 'accepted', provider_code: 'none' });
      if (outbound.kind === 'template') {
        // Not awaited: the sender's answer never waits for a chat transcript.
        const sent = { numberId: number.id, to, templateName: outbound.name };
        void Promise.allSettled(this.templateSentHandlers.map((handler) => handler(org.id, sent)));
      }
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      const status: MessageStatus = err.code === 'not-sent' ? 'not_sent' : 'failed';
      await this.db.transaction((tx) => this.applyStatusIn(tx, messageId, status, err.code, this.now()));
      messageSends.inc({ kind: 'one_to_one', outcome: status, provider_code: safeCode(err.code) });
      this.log.warn({ messageId, code: err.code, httpStatus: err.httpStatus }, 'provider refused a send');
      const info = describeProviderError(err.code);
      throw new DomainError(ErrorCode.providerError, 'WhatsApp message not sent', info.message, {
        providerCode: err.code,
      });
    }
  }

  /**
   * Sends the process stopped in the middle of (between recording the message and Kaleyra's answer) end as
   * failed (`interrupted`) once no attempt can still be running, and an opening one gives its conversation back.
   * Its outcome is unknown until then: Kaleyra's status callbacks (carrying the send's ref: our id, or a relayed
   * reply's LiveChat event id; on v1 our id in the callback URL) settle it first, and only a send that heard nothing
   * within the confirmation window is closed. A sidebar send is never sent again by itself (the agent sees it failed
   * and decides: a late copy of a chat message can mislead); a relayed reply still pending in the chat relay is the
   * relay's, which sends it again (`resendInterrupted`) or settles it. Safe to run on several instances: each message
   * is locked and a final status is never changed.
   */
  async sweepInterrupted(now = this.now()): Promise<number> {
    const wait = Math.max(this.config.kaleyraTimeoutMs + INTERRUPTED_GRACE_MS, this.config.confirmWindowMs ?? 0);
    const before = new Date(now.getTime() - wait);
    let swept = 0;
    for (;;) {
      const ids = await repo.interruptedSends(this.db, before, 200);
      for (const id of ids) {
        await this.db.transaction((tx) => this.applyStatusIn(tx, id, 'failed', 'interrupted', now));
        swept++;
      }
      if (ids.length < 200) break;
    }
    if (swept) this.log.warn({ swept }, 'interrupted sends closed and their conversations given back');
    return swept;
  }

  /**
   * A batch of template sends (a campaign's claim): the conversations it opens and its messages, queued, in the
   * caller's transaction. The caller has spent or converted what the new conversations cost through the ledger.
   */
  recordBatchIn(tx: Tx, newConversations: NewConversation[], newMessages: NewMessage[], at: Date): Promise<void> {
    return repo.insertBatch(tx, newConversations, newMessages, at);
  }

  /** One page of the messages sent to a recipient, newest first. */
  history(organizationId: string, filter: Parameters<typeof messagesPage>[2]) {
    return messagesPage(this.db, organizationId, filter);
  }

  /**
   * A customer's message: opens (or extends) the customer window and records its metadata (never its body), in one
   * transaction.
   */
  async recordInbound(
    organizationId: string,
    numberId: string,
    m: { from: string; type: string; providerMessageId: string | null; at: Date },
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await repo.touchCustomerWindow(tx, organizationId, numberId, m.from, m.at);
      await repo.insertMessage(tx, {
        organizationId,
        numberId,
        recipient: m.from,
        direction: 'inbound',
        kind: m.type === 'button' ? 'button' : m.type === 'media' ? 'media' : 'text',
        category: 'service',
        status: 'received',
        providerMessageId: m.providerMessageId,
        createdAt: m.at,
        updatedAt: m.at,
      });
    });
  }

  /**
   * Applies one Kaleyra status callback; false when the message is not this organization's. A status that only
   * moves the message forward is applied in one statement with the others arriving meanwhile (callbacks
   * outnumber sends three to one); a failure goes through `applyStatusIn`, which gives an opening message's
   * conversation back.
   */
  async applyCallbackStatus(
    organizationId: string,
    u: { ref: string | null; providerMessageId: string | null; status: MessageStatus; errorCode: string | null; at: Date },
  ): Promise<boolean> {
    if (u.status === 'accepted' || u.status === 'sent' || u.status === 'delivered' || u.status === 'read') {
      // A ref that is not our id (a relayed reply's LiveChat event id) is looked up first: the batch matches our ids.
      const ref = u.ref && !isUuid(u.ref) ? ((await repo.findMessageForCallback(this.db, organizationId, u.ref, null))?.id ?? null) : u.ref;
      return this.progress.apply({
        organizationId,
        ref,
        providerMessageId: u.providerMessageId,
        status: u.status,
        rank: RANK[u.status],
        at: u.at,
      });
    }
    const message = await repo.findMessageForCallback(this.db, organizationId, u.ref, u.providerMessageId);
    if (!message) return false;
    await this.db.transaction((tx) => this.applyStatusIn(tx, message.id, u.status, u.errorCode, u.at));
    return true;
  }

  /**
   * Records a status for a message and, when an opening message fails, gives its conversation
   * back. Idempotent: a repeated or out-of-order callback changes nothing it should not.
   */
  applyStatusIn(tx: Tx, messageId: string, status: MessageStatus, errorCode: string | null, at: Date): Promise<void> {
    return applyStatusIn(this.ledger, tx, messageId, status, errorCode, at);
  }

  /** The message as it stands now (a status callback may have moved it on already) and the balance after it. */
  private async response(organizationId: string, messageId: string, opened: boolean): Promise<SendMessageResponse> {
    const [view, balance] = await Promise.all([repo.findMessageView(this.db, organizationId, messageId), this.balanceOf(organizationId)]);
    if (!view) throw new Error('sent message not found');
    return { message: toMessageDto(view.message, view.events, view.spent), openedConversation: opened, balance };
  }
}
