import type { MessageStatus } from '@wa/contracts';
import type { Tx } from '../../db/client.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import * as repo from './messaging.repo.ts';

/** Status order for callbacks that arrive out of order: a later status never moves a message back. */
export const RANK: Record<MessageStatus, number> = { queued: 0, accepted: 1, sent: 2, delivered: 3, read: 4, failed: 5, not_sent: 5 };

/**
 * Records a status for a message and, when an opening message fails, gives its conversation
 * back. Idempotent: a repeated or out-of-order callback changes nothing it should not.
 */
export async function applyStatusIn(
  ledger: LedgerService,
  tx: Tx,
  messageId: string,
  status: MessageStatus,
  errorCode: string | null,
  at: Date,
): Promise<void> {
  const message = await repo.lockMessage(tx, messageId);
  if (!message) return;
  const current = message.status as MessageStatus;
  const terminal = current === 'failed' || current === 'not_sent';
  await repo.addEvent(tx, message.id, status, at, errorCode);
  if (terminal || RANK[status] <= RANK[current]) return;
  await repo.updateMessage(tx, message.id, { status, errorCode: errorCode ?? message.errorCode });
  if ((status === 'failed' || status === 'not_sent') && message.conversationId) {
    await releaseIfOpener(ledger, tx, message.organizationId, message.id, message.conversationId);
  }
}

async function releaseIfOpener(ledger: LedgerService, tx: Tx, organizationId: string, messageId: string, conversationId: string) {
  // The send's lock: a send that is choosing this conversation right now either commits its message first
  // (and carries the conversation below) or sees it released and opens a new one. Without it, a send could
  // ride for free on a conversation given back a moment later.
  await ledger.lockIn(tx, organizationId);
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
    await ledger.creditIn(tx, {
      organizationId,
      amount: conversation.cost,
      reason: 'conversation_released',
      key: `conversation-release:${conversationId}`,
      reference: conversationId,
      numberId: conversation.numberId,
    });
  }
}
