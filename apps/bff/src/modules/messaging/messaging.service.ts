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
import type { Identity } from '../auth/auth.service.ts';
import { lockOrganization } from '../ledger/ledger.repo.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import { findTemplate, type NumberRow, type TemplateRow } from '../numbers/numbers.repo.ts';
import { cannotSendReason, type NumbersService } from '../numbers/numbers.service.ts';
import { findOptOut, type OptOutRow, type OptOutSource } from '../optouts/optouts.repo.ts';
import { privacyBlocksAmong } from '../privacy/send-guard.ts';
import type { OrganizationRow } from '../organizations/organizations.repo.ts';
import { conversationToRideOn, customerWindowAt } from './conversation-window.ts';
import * as repo from './messaging.repo.ts';
import { toMessageDto } from './message-dto.ts';

export interface MessagingConfig {
  chargedCategories: readonly ConversationCategory[];
  windowHours: number;
  /** Builds the v1 per-message status callback URL for an organization. */
  statusCallbackUrl: (org: OrganizationRow) => string;
  /** Kaleyra's request timeout: a send still queued well after it was interrupted. */
  kaleyraTimeoutMs: number;
}

/** Picks the template actually sent for a chosen one (e.g. its copy that carries the opt-out instruction). */
export type TemplateResolver = (number: NumberRow, template: TemplateRow) => Promise<TemplateRow>;

const OPT_OUT_HOW: Record<OptOutRow['source'], string> = {
  keyword: 'they replied STOP or a similar word',
  button: 'they tapped the Stop button',
  manual: 'an owner added them to the suppression list',
  import: 'an owner imported them into the suppression list',
  consent_withdrawn: 'they withdrew consent',
};

/** F.4: the refusal an agent sees when the customer opted out. */
export function optedOutError(row: OptOutRow): DomainError {
  const day = row.createdAt.toISOString().slice(0, 10);
  const self = row.source === 'keyword' || row.source === 'button' || row.source === 'consent_withdrawn';
  return new DomainError(
    409,
    ErrorCode.optedOut,
    'Customer opted out',
    `This customer opted out of WhatsApp messages from your business on ${day} (${OPT_OUT_HOW[row.source]}${row.reason ? `: ${row.reason}` : ''}), so nothing was sent. ${
      self ? 'They can opt back in by sending START.' : 'An owner can remove them from the suppression list in the WhatsApp app.'
    }`,
  );
}

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
      privacyBlocksAmong(this.db, this.db, org.id, [q.to]),
    ]);
    // Issue 6: an erased number's opt-out is held under its keyed hash; a restriction blocks every send.
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

  async send(identity: Identity, org: OrganizationRow, req: SendMessageRequest): Promise<SendMessageResponse> {
    const replay = await repo.findMessageByClientRef(this.db, org.id, req.clientRef);
    if (replay) return this.response(org.id, replay, false);

    const number = await this.numbers.get(org.id, req.numberId);
    const refusal = cannotSendReason(org, number);
    if (refusal) {
      const code = org.status === 'suspended' ? ErrorCode.suspended : number.sendingRevoked ? ErrorCode.sendingRevoked : ErrorCode.numberNotActive;
      throw new DomainError(409, code, 'Cannot send from this number', refusal);
    }
    const optedOut = await findOptOut(this.db, org.id, req.to);
    if (optedOut) throw optedOutError(optedOut);

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
          422,
          ErrorCode.templateNotApproved,
          'Template not approved',
          `"${chosen.name}" is ${chosen.status}${chosen.rejectedReason ? ` (${chosen.rejectedReason})` : ''}; only approved templates can be sent.`,
        );
      }
      const missing = missingVariables(chosen.body, req.variables);
      if (missing.length) {
        throw new DomainError(422, ErrorCode.templateVariables, 'Fill every variable', 'Every template variable needs a value.', {
          errors: missing.map((i) => ({ path: `variables.${i}`, message: `Variable ${i + 1} is empty` })),
        });
      }
      // A marketing template may go out as its copy that carries the opt-out instruction (F.4).
      const template = await this.resolveTemplate(number, chosen);
      category = template.category;
      outbound = { kind: 'template', name: template.name, language: template.language, params: req.variables.map((v) => v.trim()) };
    } else {
      const until = await this.customerWindowUntil(this.db, number.id, req.to, now);
      if (!until) {
        throw new DomainError(
          409,
          ErrorCode.windowClosed,
          'Customer window closed',
          'The customer has not written in the last 24 hours, so WhatsApp only allows an approved template.',
        );
      }
      category = 'service';
      outbound = { kind: 'text', body: req.text };
    }

    const prepared = await this.db.transaction(async (tx) => {
      // The organization lock serialises concurrent sends of one clientRef and the window check.
      await lockOrganization(tx, org.id);
      const costIfOpening = this.costOf(category);
      const raced = await repo.findMessageByClientRef(tx, org.id, req.clientRef);
      if (raced) return { message: raced, opened: false, replay: true };
      // A STOP may have been recorded since the check above: look again right before the message is.
      const stopped = await findOptOut(tx, org.id, req.to);
      if (stopped) throw optedOutError(stopped);
      const open = await this.rideOn(tx, number.id, req.to, category, now);
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
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      const status: MessageStatus = err.code === 'not-sent' ? 'not_sent' : 'failed';
      await this.db.transaction((tx) => this.applyStatusIn(tx, message.id, status, err.code, this.now()));
      this.log.warn({ messageId: message.id, code: err.code, httpStatus: err.httpStatus }, 'provider refused a send');
      const info = describeProviderError(err.code);
      throw new DomainError(err.retryable ? 503 : 502, ErrorCode.providerError, 'WhatsApp message not sent', info.message, {
        providerCode: err.code,
      });
    }
    const fresh = await repo.findMessageByClientRef(this.db, org.id, req.clientRef);
    return this.response(org.id, fresh ?? message, prepared.opened);
  }

  /**
   * Sends the process stopped in the middle of (between recording the message and Kaleyra's answer) end as
   * failed (`interrupted`) once no attempt can still be running, and an opening one gives its conversation back.
   * Safe to run on several instances: each message is locked and a final status is never changed.
   */
  async sweepInterrupted(now = this.now()): Promise<number> {
    const before = new Date(now.getTime() - this.config.kaleyraTimeoutMs - INTERRUPTED_GRACE_MS);
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
    await lockOrganization(tx, organizationId);
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
    const [dto] = await this.list(organizationId, message.recipient, message.numberId).then((all) => all.filter((m) => m.id === message.id));
    if (!dto) throw new Error('sent message not found');
    return { message: dto, openedConversation: opened, balance: await this.balanceOf(organizationId) };
  }
}
