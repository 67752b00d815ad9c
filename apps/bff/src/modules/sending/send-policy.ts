import { ErrorCode } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../lib/errors.ts';
import { blockError, type Block } from '../lifecycle/access.ts';
import type { NumberRow } from '../../db/rows.ts';
import { cannotSendReason } from '../numbers/numbers.service.ts';
import type { OptOutRow } from '../../db/rows.ts';
import type { SendBlock } from '../privacy/recipient-rights.service.ts';

type Conn = Db | Tx;

/**
 * Every way a message leaves for a customer. A new send path is added here first: the policy's table
 * below and its test table do not compile or pass until they say which rules apply to it.
 */
export const SEND_PATHS = ['template', 'text', 'campaign_dispatch', 'campaign_test_send', 'campaign_retry', 'relay_reply'] as const;
export type SendPath = (typeof SEND_PATHS)[number];

/** What a path is, as far as the rules care: free text needs the customer's window; campaigns need a plan that runs them. */
export const PATH_TRAITS: Record<SendPath, { freeText: boolean; campaign: boolean }> = {
  template: { freeText: false, campaign: false },
  text: { freeText: true, campaign: false },
  campaign_dispatch: { freeText: false, campaign: true },
  campaign_test_send: { freeText: false, campaign: true },
  campaign_retry: { freeText: false, campaign: true },
  // An agent's reply in a WhatsApp chat in LiveChat: free text, accounted like a free-text send from the sidebar.
  relay_reply: { freeText: true, campaign: false },
};

/** Every code a send can be refused with, whatever the path. */
export const SEND_REFUSAL_CODES = [
  ErrorCode.termsNotAccepted,
  ErrorCode.suspended,
  ErrorCode.accountClosed,
  ErrorCode.numberNotActive,
  ErrorCode.sendingRevoked,
  ErrorCode.planLimit,
  ErrorCode.optedOut,
  ErrorCode.recipientRestricted,
  ErrorCode.windowClosed,
  ErrorCode.insufficientBalance,
] as const;

/**
 * What the policy reads, each in the caller's transaction. Built from the other modules' services by
 * `send-facts.ts`; the policy itself never touches a table.
 */
export interface SendFacts {
  /** Terms not accepted, suspended, or access lost (null: the business may send). */
  businessBlock(conn: Conn, organizationId: string): Promise<Block | null>;
  /** The number while it is connected; undefined once it was disconnected. */
  connectedNumber(conn: Conn, organizationId: string, numberId: string): Promise<NumberRow | undefined>;
  /** The number's current plan, when it has one (catalog limits, F.1). */
  plan(conn: Conn, numberId: string): Promise<{ name: string; campaigns: boolean } | undefined>;
  /** Names of the plans that include campaigns, for the refusal's advice. */
  campaignPlans(): string[];
  optedOutAmong(conn: Conn, organizationId: string, recipients: string[]): Promise<Set<string>>;
  optOutOf(conn: Conn, organizationId: string, recipient: string): Promise<OptOutRow | undefined>;
  /** Restrictions (L.11c) and opt-outs held under an erased number's hash (L.11b). */
  privacyBlocks(conn: Conn, organizationId: string, recipients: string[]): Promise<Map<string, SendBlock>>;
  customerWindowOpen(conn: Conn, numberId: string, recipient: string, now: Date): Promise<boolean>;
  /** Conversations left, read under the organization's lock (the ledger's), so no other send spends them meanwhile. */
  availableLocked(tx: Tx, organizationId: string): Promise<number>;
  /**
   * Everything one message to one recipient is checked against, read in one statement inside the send's
   * transaction; undefined when that read cannot tell (the policy then asks the facts above one by one).
   */
  oneSend?(tx: Tx, s: SendSubject & { recipient: string; now: Date }): Promise<OneSendFacts | undefined>;
}

/** What `SendFacts.oneSend` reads: the same facts the separate questions answer, for one recipient. */
export interface OneSendFacts {
  business: Block | null;
  number: NumberRow | undefined;
  /** The recipient's own opt-out (F.4). */
  optOut: OptOutRow | undefined;
  /** Restricted (L.11c) or an erased number's opt-out (L.11b), as `privacyBlocks` tells them. */
  privacy: SendBlock['code'] | undefined;
  /** Whether the customer's window is open now (it counts on free-text paths only). */
  windowOpen: boolean;
}

/** Who sends, from which number, on which path. */
export interface SendSubject {
  path: SendPath;
  organizationId: string;
  numberId: string;
}

export interface SendVerdict {
  /** The business, the number or its plan refuses every recipient. */
  sender: DomainError | null;
  /** Recipients that may not be messaged, with the refusal each gets. */
  recipients: Map<string, DomainError>;
}

const OPT_OUT_HOW: Record<OptOutRow['source'], string> = {
  keyword: 'they replied STOP or a similar word',
  button: 'they tapped the Stop button',
  manual: 'an owner added them to the suppression list',
  import: 'an owner imported them into the suppression list',
  consent_withdrawn: 'they withdrew consent',
};

/** F.4: the refusal when the customer opted out, with when and how when it is known. */
export function optedOutError(row?: OptOutRow): DomainError {
  if (!row)
    return new DomainError(
      ErrorCode.optedOut,
      'Customer opted out',
      'This customer opted out of WhatsApp messages from your business, so nothing was sent.',
    );
  const day = row.createdAt.toISOString().slice(0, 10);
  const self = row.source === 'keyword' || row.source === 'button' || row.source === 'consent_withdrawn';
  return new DomainError(
    ErrorCode.optedOut,
    'Customer opted out',
    `This customer opted out of WhatsApp messages from your business on ${day} (${OPT_OUT_HOW[row.source]}${row.reason ? `: ${row.reason}` : ''}), so nothing was sent. ${
      self ? 'They can opt back in by sending START.' : 'An owner can remove them from the suppression list in the WhatsApp app.'
    }`,
  );
}

/** The refusal a recipient's listing gets: a restriction first, then an opt-out (their own or an erased number's). */
function listedRefusal(privacy: SendBlock['code'] | undefined, optedOut: boolean): DomainError | null {
  if (privacy === 'restricted') return restrictedError();
  return optedOut || privacy ? optedOutError() : null;
}

export const restrictedError = () =>
  new DomainError(
    ErrorCode.recipientRestricted,
    'Processing restricted',
    'This customer asked to restrict processing of their data, so nothing can be sent to them.',
  );

export const windowClosedError = () =>
  new DomainError(
    ErrorCode.windowClosed,
    'Customer window closed',
    'The customer has not written in the last 24 hours, so WhatsApp only allows an approved template.',
  );

export const insufficientFundsError = (needed: number, available: number) =>
  new DomainError(
    ErrorCode.insufficientBalance,
    'Not enough conversations',
    `This needs ${needed} conversation${needed === 1 ? '' : 's'} but ${available} ${available === 1 ? 'is' : 'are'} left. Ask an owner to buy a package.`,
  );

/**
 * The one place that decides whether a message may go to a recipient from a number now. Every send path calls
 * it inside the transaction that records the send, so a restriction, an opt-out or a suspension recorded a
 * moment earlier is seen, and every path refuses with the same problem code:
 *
 * - the business: terms accepted, not suspended, not closed (C.5, E, F.2, J);
 * - the number: connected, its plan active, sending not revoked (F.1, F.2);
 * - campaigns: the number's plan includes them (F.1 limits);
 * - the recipient: not opted out (F.4), not restricted (L.11c), not an erased number that opted out (L.11b);
 * - free text: the customer's window is open;
 * - money: the balance (or the campaign's reservation) covers the conversations the send opens.
 */
export class SendPolicy {
  constructor(
    private readonly facts: SendFacts,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether this number may send on this path now: the business, the number, its plan. */
  async senderRefusal(conn: Conn, s: SendSubject): Promise<DomainError | null> {
    const block = await this.facts.businessBlock(conn, s.organizationId);
    if (block) return blockError(block);
    return this.numberRefusal(conn, s, await this.facts.connectedNumber(conn, s.organizationId, s.numberId));
  }

  /** The number (connected, its plan active, sending not revoked) and, for campaigns, its plan's limits. */
  private async numberRefusal(conn: Conn, s: SendSubject, number: NumberRow | undefined): Promise<DomainError | null> {
    if (!number)
      return new DomainError(
        ErrorCode.numberNotActive,
        'Cannot send from this number',
        'This number is no longer connected to your business.',
      );
    const reason = cannotSendReason({ status: 'active' }, number);
    if (reason)
      return new DomainError(
        number.sendingRevoked ? ErrorCode.sendingRevoked : ErrorCode.numberNotActive,
        'Cannot send from this number',
        reason,
      );
    if (PATH_TRAITS[s.path].campaign) {
      const plan = await this.facts.plan(conn, number.id);
      if (plan && !plan.campaigns) {
        const better = this.facts.campaignPlans();
        return new DomainError(
          ErrorCode.planLimit,
          'Not in this plan',
          `The ${plan.name} plan of ${number.displayName} does not include campaigns.${better.length ? ` Choose the ${better.join(' or ')} plan for this number in Numbers to run them.` : ''}`,
        );
      }
    }
    return null;
  }

  /** Which of these recipients may not be messaged on this path, and why. */
  async recipientRefusals(conn: Conn, s: SendSubject, recipients: string[]): Promise<Map<string, DomainError>> {
    const out = new Map<string, DomainError>();
    if (!recipients.length) return out;
    const [opted, blocks] = await Promise.all([
      this.facts.optedOutAmong(conn, s.organizationId, recipients),
      this.facts.privacyBlocks(conn, s.organizationId, recipients),
    ]);
    for (const r of recipients) {
      const refusal = listedRefusal(blocks.get(r)?.code, opted.has(r));
      if (refusal) out.set(r, refusal);
    }
    if (PATH_TRAITS[s.path].freeText) {
      const now = this.now();
      for (const r of recipients) {
        if (!out.has(r) && !(await this.facts.customerWindowOpen(conn, s.numberId, r, now))) out.set(r, windowClosedError());
      }
    }
    return out;
  }

  /** Sender and recipients at once (a campaign batch at claim, a retry). */
  async decide(conn: Conn, s: SendSubject, recipients: string[]): Promise<SendVerdict> {
    const sender = await this.senderRefusal(conn, s);
    return { sender, recipients: sender ? new Map() : await this.recipientRefusals(conn, s, recipients) };
  }

  /**
   * How many of `needed` conversations the balance covers, read under the organization's lock (taken only when
   * something is needed). The rest are refused with `insufficientFundsError`.
   */
  async fundsFor(tx: Tx, organizationId: string, needed: number): Promise<{ covered: number; available: number }> {
    if (needed <= 0) return { covered: 0, available: 0 };
    const available = Math.max(0, await this.facts.availableLocked(tx, organizationId));
    return { covered: Math.min(needed, available), available };
  }

  /**
   * One message to one recipient: throws the refusal. `conversations` is what the send takes from the balance
   * (1 when it opens a charged conversation, 0 when it rides on an open one or is covered by a reservation).
   */
  async assertMaySend(tx: Tx, s: SendSubject & { recipient: string; conversations: number }): Promise<void> {
    const one = await this.facts.oneSend?.(tx, {
      path: s.path,
      organizationId: s.organizationId,
      numberId: s.numberId,
      recipient: s.recipient,
      now: this.now(),
    });
    if (one) {
      // The same rules in the same order as below, from facts read at once.
      if (one.business) throw blockError(one.business);
      const sender = await this.numberRefusal(tx, s, one.number);
      if (sender) throw sender;
      const listed = listedRefusal(one.privacy, one.optOut !== undefined);
      if (listed?.code === ErrorCode.optedOut) throw optedOutError(one.optOut);
      if (listed) throw listed;
      if (PATH_TRAITS[s.path].freeText && !one.windowOpen) throw windowClosedError();
      await this.assertFunds(tx, s.organizationId, s.conversations);
      return;
    }
    const sender = await this.senderRefusal(tx, s);
    if (sender) throw sender;
    const refusal = (await this.recipientRefusals(tx, s, [s.recipient])).get(s.recipient);
    if (refusal?.code === ErrorCode.optedOut) throw optedOutError(await this.facts.optOutOf(tx, s.organizationId, s.recipient));
    if (refusal) throw refusal;
    await this.assertFunds(tx, s.organizationId, s.conversations);
  }

  /** Throws when the balance does not cover `needed` conversations (a batch that is all or nothing: a retry's reservation). */
  async assertFunds(tx: Tx, organizationId: string, needed: number): Promise<void> {
    const funds = await this.fundsFor(tx, organizationId, needed);
    if (funds.covered < needed) throw insufficientFundsError(needed, funds.available);
  }

  /** What the conversation panel shows (an erased number's opt-out, a restriction), read outside any send. */
  privacyBlocks(conn: Conn, organizationId: string, recipients: string[]): Promise<Map<string, SendBlock>> {
    return this.facts.privacyBlocks(conn, organizationId, recipients);
  }
}
