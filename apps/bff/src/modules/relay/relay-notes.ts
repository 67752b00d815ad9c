import { describeProviderError } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import type { Logger } from '../../lib/logger.ts';
import { LiveChatApiError } from '../../providers/livechat-chat/livechat-chat.port.ts';
import type { StatusUpdate } from '../webhooks/kaleyra-webhook.parse.ts';
import type { LiveChatSession } from './relay-session.ts';
import * as repo from './relay.repo.ts';

/** How far back the relay looks for replies that failed after they were recorded as sent. */
const FAILED_REPLIES_LOOKBACK_MS = 24 * 3600_000;

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : 'error');

/**
 * What happens to a relayed reply after it left, as the chat shows it: delivered and read marks, and an agents-only
 * note when it failed after all (refused late by Kaleyra or Meta, or interrupted). Also a template sent from the
 * WhatsApp panel, as a note in the customer's chat.
 */
export class RelayNotes {
  constructor(
    private readonly db: Db,
    private readonly session: LiveChatSession,
    private readonly log: Logger,
    private readonly now: () => Date,
  ) {}

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
        await this.session.asCustomer(org.id, entity, 'update_event_properties', {
          chat_id: row.chatId,
          thread_id: row.threadId,
          event_id: row.eventId,
          properties: { status: { delivered: true } },
        });
      } else {
        // WhatsApp's read time has whole seconds: the read happened within that second, and not after now.
        const seen = new Date(Math.min(u.at.getTime() + 999, this.now().getTime()));
        await this.session.asCustomer(org.id, entity, 'mark_events_as_seen', { chat_id: row.chatId, seen_up_to: seen.toISOString() });
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
      if (row) await this.failedAfterAll(org.id, row, u.errorCode);
    } catch (err) {
      this.log.info({ organizationId: org.id, err: errorMessage(err) }, 'could not note a late refusal');
    }
  }

  /**
   * Replies recorded as sent whose message failed later without a callback telling the relay: a send the process
   * stopped in the middle of, found by the job's retry and closed as `interrupted` by the messaging sweep. Each gets
   * the note a late refusal gets, once (a callback that comes too finds the row failed already).
   */
  async noteFailedReplies(): Promise<number> {
    const since = new Date(this.now().getTime() - FAILED_REPLIES_LOOKBACK_MS);
    let noted = 0;
    for (const row of await repo.failedSentReplies(this.db, since, 200)) {
      try {
        if (await this.failedAfterAll(row.organizationId, row, row.errorCode)) noted++;
      } catch (err) {
        this.log.info({ organizationId: row.organizationId, err: errorMessage(err) }, 'could not note a failed reply');
      }
    }
    return noted;
  }

  /** Marks the reply failed and notes why in its chat; false when that was done before. */
  private async failedAfterAll(organizationId: string, row: { eventId: string; chatId: string }, errorCode: string | null) {
    const code = `provider:${errorCode ?? ''}`;
    if (!(await repo.failSentOutbound(this.db, row.eventId, code))) return false;
    const chat = await repo.findChat(this.db, organizationId, row.chatId);
    if (chat) await repo.recordFailure(this.db, chat.number.id, 'outbound', code, this.now());
    await this.session.note(organizationId, row.chatId, `Not delivered on WhatsApp: ${describeProviderError(errorCode).message}`);
    return true;
  }

  /** A template sent from the WhatsApp panel to a relayed customer shows in their chat as an agents-only note. */
  readonly onTemplateSent = async (organizationId: string, sent: { numberId: string; to: string; templateName: string }): Promise<void> => {
    try {
      const identity = await repo.findIdentity(this.db, sent.numberId, sent.to);
      const chat = identity ? await repo.chatOfIdentity(this.db, identity.id) : undefined;
      if (chat) await this.session.note(organizationId, chat.chatId, `Template ${sent.templateName} sent to the customer on WhatsApp.`);
    } catch (err) {
      this.log.info({ organizationId, err: errorMessage(err) }, 'could not note a template in the chat');
    }
  };
}
