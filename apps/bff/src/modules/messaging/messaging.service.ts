import {
  describeProviderError,
  ErrorCode,
  missingVariables,
  type Balance,
  type ConversationCategory,
  type ConversationStatus,
  type ConversationStatusQuery,
  type Message,
  type MessageStatus,
  type Quote,
  type QuoteQuery,
  type SendMessageRequest,
  type SendMessageResponse,
} from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { ProviderError, type KaleyraPort, type OutboundMessage } from '../../providers/kaleyra/kaleyra.port.ts';
import { messageSends, safeCode } from '../../lib/metrics.ts';
import type { Identity } from '../auth/auth.service.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import { findTemplate, type NumberRow, type TemplateRow } from '../numbers/numbers.repo.ts';
import type { NumbersService } from '../numbers/numbers.service.ts';
import { findOptOut, type OptOutSource } from '../optouts/optouts.repo.ts';
import type { SendPath, SendPolicy } from '../sending/send-policy.ts';
import type { OrganizationRow } from '../organizations/organizations.repo.ts';
import { conversationToRideOn, customerWindowAt } from './conversation-window.ts';
import * as repo from './messaging.repo.ts';
import { assertRichSend, richParts } from '../templates/rich-send.ts';
import { toMessageDto } from './message-dto.ts';

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

/** Status order for callbacks that arrive out of order: a later status never moves a message back. */
const RANK: Record<MessageStatus, number> = { queued: 0, accepted: 1, sent: 2, delivered: 3, read: 4, failed: 5, not_sent: 5 };

/** How long after Kaleyra's timeout a still-queued send counts as interrupted. */
const INTERRUPTED_GRACE_MS = 60_000;

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
  ) {}

  private templateResolver: TemplateResolver = async (_n, t) => t;

  /** Opt-out instruction of marketing templates (optouts module); set once at start-up. */
  useTemplateResolver(resolver: TemplateResolver) {
    this.templateResolver = resolver;
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

  /** The open conversation a send of this category rides on, if any (see conversation-window.ts). */
  private async rideOn(conn: Db | Tx, numberId: string, recipient: string, category: ConversationCategory, now: Date) {
    return conversationToRideOn(await repo.listOpenConversations(conn, numberId, recipient, now), category, now);
  }

  async quote(org: OrganizationRow, q: QuoteQuery): Promise<Quote> {
    const number = await this.numbers.get(org.id, q.numberId);
    const now = this.now();
    const [open, customerUntil, balance] = await Promise.all([
      this.rideOn(this.db, number.id, q.to, q.category, now),
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

  /** One message to one customer; `path` names the send path for the policy (a campaign's test send is one too). */
  async send(identity: Identity, org: OrganizationRow, req: SendMessageRequest, path: SendPath = req.kind): Promise<SendMessageResponse> {
    const replay = await repo.findMessageByClientRef(this.db, org.id, req.clientRef);
    if (replay) return this.response(org.id, replay, false);

    const number = await this.numbers.get(org.id, req.numberId);

    const now = this.now();
    let category: ConversationCategory;
    let outbound: OutboundMessage;
    if (req.kind === 'template') {
      const chosen = await findTemplate(this.db, number.id, req.templateName, req.language);
      if (!chosen) {
        throw errors.validation([{ path: 'templateName', message: 'No such template on this number. Sync templates and try again.' }]);
      }
      if (chosen.status !== 'approved') {
        throw new DomainError(
          ErrorCode.templateNotApproved,
          'Template not approved',
          `"${chosen.name}" is ${chosen.status}${chosen.rejectedReason ? ` (${chosen.rejectedReason})` : ''}; only approved templates can be sent.`,
        );
      }
      const missing = missingVariables(chosen.body, req.variables);
      if (missing.length) {
        throw new DomainError(ErrorCode.templateVariables, 'Fill every variable', 'Every template variable needs a value.', {
          errors: missing.map((i) => ({ path: `variables.${i}`, message: `Variable ${i + 1} is empty` })),
        });
      }
      // Media header, dynamic URL suffixes, quick-reply payloads: checked field by field, carried as Meta's components.
      const extras = { headerText: req.headerText, headerMediaUrl: req.headerMediaUrl, buttonValues: req.buttonValues };
      assertRichSend(chosen, number.apiVersion, extras);
      // A marketing template may go out as its copy that carries the opt-out instruction (F.4).
      const template = await this.resolveTemplate(number, chosen);
      category = template.category;
      const params = req.variables.map((v) => v.trim());
      outbound = {
        kind: 'template',
        name: template.name,
        language: template.language,
        params,
        ...richParts(chosen, number.apiVersion, params, extras),
      };
    } else {
      category = 'service';
      outbound = { kind: 'text', body: req.text };
    }

    const prepared = await this.db.transaction(async (tx) => {
      // The organization lock serialises concurrent sends of one clientRef and the window check.
      await this.ledger.lockIn(tx, org.id);
      const costIfOpening = this.costOf(category);
      const raced = await repo.findMessageByClientRef(tx, org.id, req.clientRef);
      if (raced) return { message: raced, opened: false, replay: true };
      const open = await this.rideOn(tx, number.id, req.to, category, now);
      // Under the lock, right before the message is recorded: a STOP, a restriction or a suspension of a moment ago counts.
      await this.policy.assertMaySend(tx, {
        path,
        organizationId: org.id,
        numberId: number.id,
        recipient: req.to,
        conversations: open ? 0 : costIfOpening,
      });
      let conversationId: string;
      let opened = false;
      if (open) {
        conversationId = open.id;
      } else {
        const conversation = await repo.insertConversation(tx, {
          organizationId: org.id,
          numberId: number.id,
          recipient: req.to,
          category,
          openedAt: now,
          expiresAt: new Date(now.getTime() + this.windowMs()),
          cost: costIfOpening,
        });
        conversationId = conversation.id;
        opened = true;
        if (costIfOpening > 0) {
          await this.ledger.debitIn(tx, {
            organizationId: org.id,
            amount: costIfOpening,
            reason: 'conversation_opened',
            key: `conversation:${conversation.id}`,
            reference: conversation.id,
            numberId: number.id,
          });
        }
      }
      const message = await repo.insertMessage(tx, {
        organizationId: org.id,
        numberId: number.id,
        conversationId,
        recipient: req.to,
        direction: 'outbound',
        kind: req.kind,
        templateName: outbound.kind === 'template' ? outbound.name : null,
        category,
        status: 'queued',
        clientRef: req.clientRef,
        chatId: req.chatId ?? null,
        accountId: identity.accountId,
      });
      await repo.addEvent(tx, message.id, 'queued', now);
      if (opened) await repo.updateConversation(tx, conversationId, { openingMessageId: message.id });
      return { message, opened, replay: false };
    });
    if (prepared.replay) return this.response(org.id, prepared.message, false);

    const message = prepared.message;
    try {
      const result = await this.kaleyra.send({
        apiVersion: number.apiVersion,
        from: number.number,
        to: req.to,
        message: outbound,
        ref: message.id,
        ...(number.apiVersion === 'v1' ? { callbackUrl: this.config.statusCallbackUrl(org) } : {}),
      });
      await this.db.transaction(async (tx) => {
        await repo.updateMessage(tx, message.id, { providerMessageId: result.providerMessageId });
        await this.applyStatusIn(tx, message.id, 'accepted', null, this.now());
      });
      messageSends.inc({ kind: 'one_to_one', outcome: 'accepted', provider_code: 'none' });
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      const status: MessageStatus = err.code === 'not-sent' ? 'not_sent' : 'failed';
      await this.db.transaction((tx) => this.applyStatusIn(tx, message.id, status, err.code, this.now()));
      messageSends.inc({ kind: 'one_to_one', outcome: status, provider_code: safeCode(err.code) });
      this.log.warn({ messageId: message.id, code: err.code, httpStatus: err.httpStatus }, 'provider refused a send');
      const info = describeProviderError(err.code);
      throw new DomainError(ErrorCode.providerError, 'WhatsApp message not sent', info.message, {
        providerCode: err.code,
      });
    }
    const fresh = await repo.findMessageByClientRef(this.db, org.id, req.clientRef);
    return this.response(org.id, fresh ?? message, prepared.opened);
  }

  /**
   * Sends the process stopped in the middle of (between recording the message and Kaleyra's answer) end as
   * failed (`interrupted`) once no attempt can still be running, and an opening one gives its conversation back.
   * Its outcome is unknown until then: Kaleyra's status callbacks (they carry our id as the ref) settle it
   * first, and only a send that heard nothing within the confirmation window is closed. It is never sent
   * again by itself (the agent sees it failed and decides: a late copy of a chat message can mislead).
   * Safe to run on several instances: each message is locked and a final status is never changed.
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
   * Applies one Kaleyra status callback; false when the message is not this organization's. A status that only
   * moves the message forward costs one statement (callbacks outnumber sends three to one); a failure goes
   * through `applyStatusIn`, which gives an opening message's conversation back.
   */
  async applyCallbackStatus(
    organizationId: string,
    u: { ref: string | null; providerMessageId: string | null; status: MessageStatus; errorCode: string | null; at: Date },
  ): Promise<boolean> {
    if (u.status === 'accepted' || u.status === 'sent' || u.status === 'delivered' || u.status === 'read') {
      return repo.applyProgressStatus(this.db, organizationId, u.ref, u.providerMessageId, u.status, RANK[u.status], u.at);
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
  async applyStatusIn(tx: Tx, messageId: string, status: MessageStatus, errorCode: string | null, at: Date): Promise<void> {
    const message = await repo.lockMessage(tx, messageId);
    if (!message) return;
    const current = message.status as MessageStatus;
    const terminal = current === 'failed' || current === 'not_sent';
    await repo.addEvent(tx, message.id, status, at, errorCode);
    if (terminal || RANK[status] <= RANK[current]) return;
    await repo.updateMessage(tx, message.id, { status, errorCode: errorCode ?? message.errorCode });
    if ((status === 'failed' || status === 'not_sent') && message.conversationId) {
      await this.releaseIfOpener(tx, message.organizationId, message.id, message.conversationId);
    }
  }

  private async releaseIfOpener(tx: Tx, organizationId: string, messageId: string, conversationId: string) {
    // The send's lock: a send that is choosing this conversation right now either commits its message first
    // (and carries the conversation below) or sees it released and opens a new one. Without it, a send could
    // ride for free on a conversation given back a moment later.
    await this.ledger.lockIn(tx, organizationId);
    const conversation = await repo.findConversation(tx, conversationId);
    if (!conversation || conversation.status !== 'open' || conversation.openingMessageId !== messageId) return;
    const others = await repo.liveMessagesOf(tx, conversationId, messageId);
    if (others[0]) {
      // Another message in the window is alive: it carries the conversation now.
      await repo.updateConversation(tx, conversationId, { openingMessageId: others[0].id });
      return;
    }
    await repo.updateConversation(tx, conversationId, { status: 'released' });
    if (conversation.cost > 0) {
      await this.ledger.creditIn(tx, {
        organizationId,
        amount: conversation.cost,
        reason: 'conversation_released',
        key: `conversation-release:${conversationId}`,
        reference: conversationId,
        numberId: conversation.numberId,
      });
    }
  }

  async list(organizationId: string, to: string, numberId: string | undefined): Promise<Message[]> {
    const rows = await repo.listMessagesFor(this.db, organizationId, to, numberId);
    const spent = await this.spentByMessage(rows.map((r) => r.message));
    return rows.map(({ message, events }) => toMessageDto(message, events, spent.get(message.id) ?? 0));
  }

  private async spentByMessage(list: repo.MessageRow[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    const conversationIds = [...new Set(list.map((m) => m.conversationId).filter((x): x is string => !!x))];
    for (const id of conversationIds) {
      const c = await repo.findConversation(this.db, id);
      if (c && c.status === 'open' && c.openingMessageId) result.set(c.openingMessageId, c.cost);
    }
    return result;
  }

  private async response(organizationId: string, message: repo.MessageRow, opened: boolean): Promise<SendMessageResponse> {
    const [dto] = await this.list(organizationId, message.recipient, message.numberId).then((all) =>
      all.filter((m) => m.id === message.id),
    );
    if (!dto) throw new Error('sent message not found');
    return { message: dto, openedConversation: opened, balance: await this.balanceOf(organizationId) };
  }
}
