import type { Db } from '../../db/client.ts';
import { DomainError } from '../../lib/errors.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { SendPath, SendPolicy } from '../sending/send-policy.ts';
import { applyStatusIn } from './message-status.ts';
import * as repo from './messaging.repo.ts';

/** A send the process stopped in the middle of: recorded, still queued, no Kaleyra id and no callback's status. */
export function isInterrupted(m: repo.MessageRow): boolean {
  return m.direction === 'outbound' && m.status === 'queued' && !m.providerMessageId;
}

/**
 * When an interrupted send may go again: the confirmation window since it was queued, or since it was last sent again
 * (`updated_at`, which nothing else moves while a message is queued), has passed.
 */
export function resendAt(m: repo.MessageRow, confirmWindowMs: number): Date {
  return new Date(Math.max(m.createdAt.getTime(), m.updatedAt.getTime()) + confirmWindowMs);
}

export interface ResendDeps {
  db: Db;
  ledger: LedgerService;
  policy: SendPolicy;
  confirmWindowMs: number;
}

export type ResendClaim = { message: repo.MessageRow } | { refused: DomainError } | { resendAt: Date } | null;

/**
 * Takes an interrupted send for sending again, in one transaction under its message's lock (as a status callback
 * takes it), then the organization's (as a send takes it for the policy): null when its outcome is known by now;
 * `resendAt` while its window runs (another attempt may have sent it again a moment ago); otherwise the send policy
 * is asked again with nothing to spend, and either the message is marked as sent again now (its window starts again,
 * so a second attempt waits) or it is closed as `not_sent` with the refusal's code, its conversation given back.
 */
export async function claimResend(deps: ResendDeps, organizationId: string, messageId: string, path: SendPath, now: Date) {
  return deps.db.transaction(async (tx): Promise<ResendClaim> => {
    const message = await repo.lockMessage(tx, messageId);
    if (!message || message.organizationId !== organizationId || !isInterrupted(message)) return null;
    const at = resendAt(message, deps.confirmWindowMs);
    if (at > now) return { resendAt: at };
    await deps.ledger.lockIn(tx, organizationId);
    try {
      await deps.policy.assertMaySend(tx, {
        path,
        organizationId,
        numberId: message.numberId,
        recipient: message.recipient,
        conversations: 0,
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await applyStatusIn(deps.ledger, tx, message.id, 'not_sent', err.code, now);
      return { refused: err };
    }
    await repo.updateMessage(tx, message.id, {});
    return { message };
  });
}
