import type { ChargeOutcome, ChargeStatus, PlanStatus } from '@wa/contracts';
import type { DirectChargeStatus, RecurrentChargeStatus } from '../../providers/livechat-billing/billing.port.ts';

/**
 * The charge life cycle as we mirror it. LiveChat's Billing API is the truth; these rules decide what we do with
 * what it says, whatever order the news arrives in:
 * - direct (packages): pending → accepted → processed → success | failed, or pending → declined. We add
 *   `cancelled` for a charge nobody approved before it went stale.
 * - recurrent (plans): pending → accepted → active ⇄ past_due ⇄ frozen → cancelled, or pending → declined.
 * A final status never changes again, and an older answer (a slow re-fetch) never moves a charge backwards.
 */
export type LocalDirectStatus = DirectChargeStatus | 'cancelled';

const DIRECT_RANK: Record<LocalDirectStatus, number> = {
  pending: 0,
  accepted: 1,
  processed: 2,
  success: 3,
  failed: 3,
  declined: 3,
  cancelled: 3,
};

export const DIRECT_FINAL: readonly LocalDirectStatus[] = ['success', 'failed', 'declined', 'cancelled'];
export const RECURRENT_FINAL: readonly RecurrentChargeStatus[] = ['declined', 'cancelled'];
const RECURRENT_LIVE: readonly RecurrentChargeStatus[] = ['active', 'past_due', 'frozen'];

export function isDirectFinal(s: string): boolean {
  return (DIRECT_FINAL as readonly string[]).includes(s);
}

export function isRecurrentFinal(s: string): boolean {
  return (RECURRENT_FINAL as readonly string[]).includes(s);
}

/** Our next status for a direct charge after LiveChat answered `remote`. */
export function nextDirectStatus(local: LocalDirectStatus, remote: DirectChargeStatus): LocalDirectStatus {
  // `cancelled` is ours, not LiveChat's: if the money was collected after all (a race with the stale cleanup),
  // the owner paid and must get what they paid for.
  if (local === 'cancelled') return remote === 'success' ? 'success' : local;
  if (isDirectFinal(local)) return local;
  return DIRECT_RANK[remote] >= DIRECT_RANK[local] ? remote : local;
}

/** Our next status for a recurrent charge after LiveChat answered `remote`. */
export function nextRecurrentStatus(local: RecurrentChargeStatus, remote: RecurrentChargeStatus): RecurrentChargeStatus {
  if (isRecurrentFinal(local)) return local;
  // Once running, a plan never goes back to awaiting approval.
  if (RECURRENT_LIVE.includes(local) && (remote === 'pending' || remote === 'accepted')) return local;
  return remote;
}

export type DirectStep = 'activate' | 'credit' | 'wait' | 'close';

/** What the app must do about a direct charge in this remote state. */
export function directStep(remote: DirectChargeStatus): DirectStep {
  switch (remote) {
    case 'accepted':
      return 'activate'; // the owner approved; LiveChat collects only once the app activates it
    case 'success':
      return 'credit';
    case 'pending':
    case 'processed':
      return 'wait';
    case 'failed':
    case 'declined':
      return 'close';
  }
}

/** A recurrent charge the owner approved must be activated by the app; any other state is only mirrored. */
export function recurrentNeedsActivation(remote: RecurrentChargeStatus): boolean {
  return remote === 'accepted';
}

/** The number's plan status while this is its current charge. */
export function planStatusFor(s: RecurrentChargeStatus): PlanStatus {
  return s === 'accepted' ? 'pending' : s;
}

/** Charges the sync must keep asking LiveChat about. */
export function isWatched(kind: 'direct' | 'recurrent', status: string): boolean {
  return kind === 'direct' ? !isDirectFinal(status) : !isRecurrentFinal(status);
}

const OUTCOME: Record<ChargeStatus, ChargeOutcome> = {
  pending: 'awaiting_approval',
  accepted: 'processing',
  processed: 'processing',
  success: 'credited',
  failed: 'failed',
  declined: 'declined',
  active: 'active',
  past_due: 'past_due',
  frozen: 'frozen',
  cancelled: 'cancelled',
};

export function outcomeOf(status: ChargeStatus): { outcome: ChargeOutcome; settled: boolean } {
  const outcome = OUTCOME[status];
  return { outcome, settled: outcome !== 'processing' && outcome !== 'awaiting_approval' };
}

/** What the owner reads after a payment: what happened and, when nothing was credited, why. */
export function outcomeMessage(kind: 'direct' | 'recurrent', status: ChargeStatus, conversations: number | null): string {
  const what = kind === 'direct' ? `${conversations ?? 0} conversations` : 'the plan';
  switch (OUTCOME[status]) {
    case 'credited':
      return `Payment received: ${conversations ?? 0} conversations were added to your balance.`;
    case 'active':
      return 'Payment received: the plan is active and the number can send messages.';
    case 'processing':
      return `LiveChat is collecting the payment. ${kind === 'direct' ? 'The conversations are added' : 'The number is connected'} as soon as it goes through.`;
    case 'awaiting_approval':
      return 'The payment has not been approved in LiveChat yet. Nothing was charged.';
    case 'declined':
      return `The payment was declined in LiveChat, so nothing was charged and ${what} ${kind === 'direct' ? 'were not added' : 'did not start'}.`;
    case 'failed':
      return `LiveChat could not collect the payment (check the card on file in LiveChat billing). Nothing was charged and ${what} ${
        kind === 'direct' ? 'were not added' : 'did not start'
      }.`;
    case 'cancelled':
      return kind === 'direct'
        ? 'This purchase was never approved and has expired. Nothing was charged.'
        : 'This plan is cancelled. The number cannot send messages.';
    case 'past_due':
      return "The plan's payment is overdue in LiveChat billing, so the number cannot send until it is paid.";
    case 'frozen':
      return 'The plan is frozen by LiveChat billing, so the number cannot send.';
  }
}
