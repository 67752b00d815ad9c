import { randomUUID } from 'node:crypto';
import { ErrorCode, type ConversationCategory } from '@wa/contracts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import { openConversationsAmong, type NewConversation, type NewMessage } from '../messaging/messaging.service.ts';
import type { SendSubject } from '../sending/send-policy.ts';
import * as repo from './campaigns.repo.ts';
import type { DispatchRecovery } from './dispatch-recovery.ts';
import type { DispatchDeps, Lane, SendItem } from './dispatch-types.ts';
import * as dispatchRepo from './dispatch.repo.ts';

export interface ClaimContext {
  deps: DispatchDeps;
  workerId: string;
  recovery: DispatchRecovery;
}

/** Who sends: what the send policy is asked about for every claim of a campaign. */
export function subjectOf(c: repo.CampaignRow): SendSubject {
  return { path: 'campaign_dispatch', organizationId: c.organizationId, numberId: c.numberId };
}

function costOf(deps: DispatchDeps, category: ConversationCategory) {
  return deps.config.chargedCategories.includes(category) ? 1 : 0;
}

function allowedKeys(deps: DispatchDeps, lane: Lane, now: Date): string[] | null {
  if (!lane.campaign.quietHours) return null;
  return lane.keys.filter((k) => deps.quietHours.isAllowed(k, now.getTime()));
}

/**
 * Claims up to `limit` due recipients of a lane's campaign in one transaction: recipients move pending →
 * sending, their conversation is opened (or reused), the campaign's reservation converted into the spend, and
 * their message recorded (its id is the idempotency ref Kaleyra v2 de-duplicates). `stopped`: the campaign no
 * longer runs; `touched`: rows were settled without a send, so looking again at once makes sense.
 */
export function claimBatch(
  ctx: ClaimContext,
  lane: Lane,
  limit: number,
): Promise<{ stopped: boolean; items: SendItem[]; touched: boolean }> {
  const { deps } = ctx;
  const { db, ledger } = deps;
  const { campaign, number } = lane;
  return db.transaction(async (tx) => {
    // Lock order everywhere: campaign, recipients, messages, then the organization (the ledger's lock, taken
    // only when the balance itself is read or debited, so claims do not queue behind every other send).
    const c = await repo.lockCampaign(tx, campaign.id);
    if (!c || c.status !== 'running') return { stopped: true, items: [], touched: false };
    // The business, the number and its plan, as they are now: a refusal pauses with the code a send would get.
    const refusal = await deps.sendPolicy.senderRefusal(tx, subjectOf(c));
    if (refusal) {
      await repo.updateCampaign(tx, c.id, { status: 'paused', pausedReason: refusal.code });
      deps.log.warn({ campaignId: c.id, reason: refusal.code }, 'campaign paused');
      return { stopped: true, items: [], touched: false };
    }
    const now = deps.now();
    const items: SendItem[] = [];
    // Every claim says the campaign is alive (the sweeper restarts campaigns whose heartbeat went quiet).
    let heldAfter = c.reservedHeld;
    const finishClaim = async (touched: boolean) => {
      await repo.updateCampaign(tx, c.id, { heartbeatAt: now, ...(heldAfter !== c.reservedHeld ? { reservedHeld: heldAfter } : {}) });
      return { stopped: false, items, touched };
    };

    // 1. Recipients a dead dispatcher left in `sending`, and unknown outcomes the callbacks may have settled
    //    (looked at every couple of seconds, not every batch).
    await ctx.recovery.recoverDueIn(tx, c, number.apiVersion, now);

    // 2. Due recipients, in file order, whose quiet hours (if any) are open.
    const room = limit - items.length;
    const due = room > 0 ? await dispatchRepo.claimDue(tx, c.id, now, allowedKeys(deps, lane, now), room) : [];
    if (!due.length) return finishClaim(false);

    // Opt-outs (F.4), restrictions (L.11c) and erased numbers that opted out (L.11b) recorded since the launch
    // count: each is skipped with the code the send policy refuses it with on every path.
    const refused = await deps.sendPolicy.recipientRefusals(
      tx,
      subjectOf(c),
      due.map((r) => r.recipient),
    );
    const skipped = due.filter((r) => refused.has(r.recipient));
    for (const r of skipped) {
      if (r.messageId) await deps.messaging.applyStatusIn(tx, r.messageId, 'not_sent', 'not-sent', now);
      await repo.updateRecipients(tx, [r.id], {
        status: 'skipped',
        reason: refused.get(r.recipient)!.code,
        variables: null,
        claimedAt: null,
      });
    }
    let rest = due.filter((r) => !refused.has(r.recipient));

    // Meta's pair rate: one message per recipient every few seconds from this number.
    if (deps.config.pairIntervalMs > 0 && rest.length) {
      const recent = await dispatchRepo.lastSentTo(
        tx,
        c.organizationId,
        number.id,
        rest.map((r) => r.recipient),
        new Date(now.getTime() - deps.config.pairIntervalMs),
        rest.map((r) => r.messageId).filter((x): x is string => !!x),
      );
      if (recent.size) {
        const wait = rest.filter((r) => recent.has(r.recipient));
        for (const r of wait) {
          await repo.updateRecipients(tx, [r.id], {
            notBefore: new Date(recent.get(r.recipient)!.getTime() + deps.config.pairIntervalMs + Math.random() * 500),
          });
        }
        rest = rest.filter((r) => !recent.has(r.recipient));
      }
    }
    if (!rest.length) return finishClaim(true);

    // Recipients whose message exists already (a transient refusal earlier) keep it, and its ref.
    const again = rest.filter((r) => r.messageId);
    const fresh = rest.filter((r) => !r.messageId);
    const sending: { id: string; messageId: string; attempts: number }[] = [];
    for (const r of again) {
      sending.push({ id: r.id, messageId: r.messageId!, attempts: r.attempts + 1 });
      items.push({
        recipientId: r.id,
        messageId: r.messageId!,
        to: r.recipient,
        params: r.variables ?? [],
        attempts: r.attempts + 1,
        claimedAtMs: now.getTime(),
      });
    }

    if (fresh.length) {
      const category = c.category as ConversationCategory;
      const open = await openConversationsAmong(
        tx,
        number.id,
        category,
        fresh.map((r) => r.recipient),
        now,
      );
      const opening = fresh.filter((r) => !open.has(r.recipient));
      const cost = costOf(deps, category);
      let covered = cost ? Math.min(opening.length, c.reservedHeld) : 0;
      let uncovered = cost ? opening.length - covered : 0;
      let refused = new Set<string>();
      if (uncovered > 0) {
        // A window that closed after the launch needs a conversation the reservation did not count.
        const { available } = await deps.sendPolicy.fundsFor(tx, c.organizationId, uncovered);
        if (available < uncovered) {
          refused = new Set(opening.slice(covered + available).map((r) => r.id));
          uncovered = available;
        }
      }
      if (refused.size) {
        await repo.updateRecipients(tx, [...refused], {
          status: 'failed',
          reason: ErrorCode.insufficientBalance,
          variables: null,
          claimedAt: null,
          dispatchedAt: now,
        });
      }
      const expires = new Date(now.getTime() + deps.config.windowHours * 3_600_000);
      const newConversations: NewConversation[] = [];
      const newMessages: NewMessage[] = [];
      const entries: Parameters<LedgerService['appendManyIn']>[2] = [];
      let converted = 0;
      for (const r of fresh) {
        if (refused.has(r.id)) continue;
        const messageId = randomUUID();
        let conversationId = open.get(r.recipient);
        if (!conversationId) {
          conversationId = randomUUID();
          newConversations.push({
            id: conversationId,
            organizationId: c.organizationId,
            numberId: number.id,
            recipient: r.recipient,
            category,
            openedAt: now,
            expiresAt: expires,
            cost,
            openingMessageId: messageId,
          });
          if (cost) {
            if (converted < covered) {
              converted++;
              entries.push({
                delta: 1,
                reason: 'reservation_released',
                key: `campaign-convert:${conversationId}`,
                reference: c.id,
                numberId: number.id,
              });
            }
            entries.push({
              delta: -1,
              reason: 'conversation_opened',
              key: `conversation:${conversationId}`,
              reference: conversationId,
              numberId: number.id,
            });
          }
        }
        newMessages.push({
          id: messageId,
          organizationId: c.organizationId,
          numberId: number.id,
          conversationId,
          recipient: r.recipient,
          direction: 'outbound',
          kind: 'template',
          templateName: lane.template.name,
          category,
          status: 'queued',
          clientRef: `campaign:${r.id}:${r.round}`,
          accountId: c.createdBy,
          createdAt: now,
          updatedAt: now,
        });
        sending.push({ id: r.id, messageId, attempts: r.attempts + 1 });
        items.push({
          recipientId: r.id,
          messageId,
          to: r.recipient,
          params: r.variables ?? [],
          attempts: r.attempts + 1,
          claimedAtMs: now.getTime(),
        });
      }
      covered = converted;
      await deps.messaging.recordBatchIn(tx, newConversations, newMessages, now);
      if (entries.length) await ledger.appendManyIn(tx, c.organizationId, entries);
      heldAfter = c.reservedHeld - covered;
    }
    await dispatchRepo.markSending(tx, sending, now, ctx.workerId);
    return finishClaim(true);
  });
}
