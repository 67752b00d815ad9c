import type { ConversationCategory, SendMessageRequest } from '@wa/contracts';
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../../db/client.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import type { OutboundMessage } from '../../providers/kaleyra/kaleyra.port.ts';
import type { Identity } from '../auth/auth.service.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { SendPath, SendPolicy } from '../sending/send-policy.ts';
import { conversationToRideOn } from './conversation-window.ts';
import * as repo from './messaging.repo.ts';

/** The open conversation a send chose was released before the send took the organization's lock. */
class RideLost extends Error {}

export interface RecordSendDeps {
  db: Db;
  ledger: LedgerService;
  policy: SendPolicy;
  windowMs: number;
  /** Conversations a new conversation of this category costs. */
  costOf: (category: ConversationCategory) => number;
}

/** The open conversation a send of this category rides on, if any (see conversation-window.ts). */
export async function rideOn(conn: Db | Tx, numberId: string, recipient: string, category: ConversationCategory, now: Date) {
  return conversationToRideOn(await repo.listOpenConversations(conn, numberId, recipient, now), category, now);
}

/**
 * Records the send (its conversation, the spend, the message) in one transaction. Sends of one clientRef, and
 * sends to one customer from one number, queue on their own lock (`lockSend`) while they choose the
 * conversation and write their rows; the organization's lock, which every send of the business shares, is
 * taken last and held only for what it guards: the send policy (a suspension or a revocation takes it too),
 * the ride on an open conversation (a failed opening message gives its conversation back under it) and the
 * balance check with its ledger entry.
 */
export async function recordSend(
  deps: RecordSendDeps,
  identity: Identity,
  org: OrganizationRow,
  numberId: string,
  req: SendMessageRequest,
  path: SendPath,
  category: ConversationCategory,
  outbound: OutboundMessage,
  now: Date,
): Promise<{ messageId: string; opened: boolean; replay: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction(async (tx) => {
        await repo.lockSend(tx, org.id, req.clientRef, numberId, req.to);
        const state = await repo.findSendState(tx, { organizationId: org.id, clientRef: req.clientRef, numberId, recipient: req.to, now });
        if (state.racedId) return { messageId: state.racedId, opened: false, replay: true };
        const open = conversationToRideOn(state.open, category, now);
        const cost = open ? 0 : deps.costOf(category);
        const messageId = randomUUID();
        const conversationId = open?.id ?? randomUUID();
        const conversation = open
          ? null
          : {
              id: conversationId,
              organizationId: org.id,
              numberId,
              recipient: req.to,
              category,
              openedAt: now,
              expiresAt: new Date(now.getTime() + deps.windowMs),
              cost,
              openingMessageId: messageId,
            };
        await repo.insertSend(tx, {
          conversation,
          message: {
            id: messageId,
            organizationId: org.id,
            numberId,
            conversationId,
            recipient: req.to,
            direction: 'outbound',
            kind: outbound.kind === 'media' ? 'media' : req.kind,
            templateName: outbound.kind === 'template' ? outbound.name : null,
            category,
            status: 'queued',
            clientRef: req.clientRef,
            chatId: req.chatId ?? null,
            accountId: identity.accountId,
          },
          queuedAt: now,
        });

        await deps.ledger.lockIn(tx, org.id);
        // Every rule of the path, under the lock, right before the commit: a STOP, a restriction or a
        // suspension of a moment ago counts. The balance is checked by the ledger entry that spends it below
        // (same lock, same refusal).
        await deps.policy.assertMaySend(tx, { path, organizationId: org.id, numberId, recipient: req.to, conversations: 0 });
        if (open && !(await repo.isConversationOpen(tx, open.id))) throw new RideLost();
        if (cost > 0) {
          await deps.ledger.debitIn(tx, {
            organizationId: org.id,
            amount: cost,
            reason: 'conversation_opened',
            key: `conversation:${conversationId}`,
            reference: conversationId,
            numberId,
          });
        }
        return { messageId, opened: !open, replay: false };
      });
    } catch (err) {
      // The conversation this send chose was given back meanwhile: choose again (it opens a new one).
      if (err instanceof RideLost && attempt < 3) continue;
      throw err;
    }
  }
}
