import { AUDIT_ACTIONS, type LossCause } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';
import { actorLabel, audit, type Actor } from '../audit/audit.ts';
import { currentPlanCharges } from '../billing/billing.service.ts';
import { isRecurrentFinal } from '../billing/charge-state.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import * as repo from './lifecycle.repo.ts';
import { organizationOf } from './organization-of.ts';
import type { PlanCancellationService } from './plan-cancellation.service.ts';

/** What a loss of access did; the same whoever caused it. */
export interface LossOfAccessResult {
  changed: boolean;
  forfeited: number;
  numbersDisconnected: number;
  plansCancelled: number;
  plansPending: number;
}

export interface LossOfAccessEvent {
  cause: LossCause;
  at: Date;
  /** Unique per loss (one per installation): use it for ledger keys, so a replay changes nothing. */
  key: string;
}

/**
 * Runs inside the loss-of-access transaction, before the balance is forfeited: a module that holds conversations
 * (campaign reservations) releases them here through the ledger, so the forfeit takes exactly what is left.
 */
export type LossOfAccessHandler = (tx: Tx, organizationId: string, event: LossOfAccessEvent) => Promise<void>;
/** Runs inside the suspension's transaction (e.g. to pause running campaigns). */
export type SuspensionHandler = (tx: Tx, organizationId: string, event: { at: Date; reason: string | null }) => Promise<void>;

const LOSS_STATUS: Record<LossCause, 'terminated' | 'uninstalled'> = {
  terminated: 'terminated',
  uninstalled: 'uninstalled',
  livechat_account_closed: 'uninstalled',
  livechat_account_cancelled: 'uninstalled',
};

const LOSS_ACTION: Record<LossCause, string> = {
  terminated: AUDIT_ACTIONS.accountTerminated,
  uninstalled: AUDIT_ACTIONS.accountUninstalled,
  livechat_account_closed: AUDIT_ACTIONS.accountClosed,
  livechat_account_cancelled: AUDIT_ACTIONS.accountClosed,
};

export interface LossOfAccessDeps {
  db: Db;
  ledger: LedgerService;
  cancellations: PlanCancellationService;
  /** Registered by the modules that hold conversations or state to end with the access. */
  handlers: readonly LossOfAccessHandler[];
  log: Logger;
  now: () => Date;
}

/**
 * All of it at once, in one transaction under the organization's lock: handlers (campaigns cancel and release
 * their reservations), one `forfeited` ledger entry for exactly the balance left, every number disconnected and
 * its running plan's cancellation owed, the status changed, everything audited. Then the plans are cancelled
 * with LiveChat (now if a token is kept, else by the retry job). A second call for a business that already
 * lost access changes nothing.
 */
export async function loseAccess(
  deps: LossOfAccessDeps,
  organizationId: string,
  cause: LossCause,
  actor: Actor,
  opts: { reason?: string | null; at?: Date; metadata?: Record<string, unknown> } = {},
): Promise<LossOfAccessResult> {
  const at = opts.at ?? deps.now();
  const outcome = await deps.db.transaction(async (tx) => {
    await deps.ledger.lockIn(tx, organizationId);
    const org = await organizationOf(tx, organizationId);
    if (org.status === 'terminated' || org.status === 'uninstalled') return null;
    const lifecycle = await repo.ensureLifecycle(tx, organizationId);
    const event: LossOfAccessEvent = { cause, at, key: `${organizationId}:installation-${lifecycle.installation}` };

    for (const handler of deps.handlers) await handler(tx, organizationId, event);

    const balance = await deps.ledger.balanceIn(tx, organizationId);
    let forfeitEntry: string | null = null;
    if (balance > 0) {
      const { row } = await deps.ledger.debitIn(tx, {
        organizationId,
        amount: balance,
        reason: 'forfeited',
        key: `forfeit:installation-${lifecycle.installation}`,
        reference: cause,
      });
      forfeitEntry = row.id;
    }

    const nums = await repo.connectedNumbers(tx, organizationId);
    const plans = await currentPlanCharges(
      tx,
      nums.map((n) => n.id),
    );
    let owed = 0;
    for (const n of nums) {
      const plan = plans.get(n.id);
      if (plan && !isRecurrentFinal(plan.status)) {
        await repo.owePlanCancellation(tx, { chargeId: plan.id, organizationId, numberId: n.id, cause });
        owed++;
      }
    }
    await repo.disconnectNumbers(
      tx,
      nums.map((n) => n.id),
      at,
    );
    await repo.setOrganizationStatus(tx, organizationId, LOSS_STATUS[cause]);
    await repo.updateLifecycle(tx, organizationId, {
      accessLostAt: at,
      lossCause: cause,
      statusReason: opts.reason ?? null,
      statusChangedAt: at,
      statusChangedBy: actorLabel(actor),
    });

    await audit.record(tx, {
      organizationId,
      actor,
      action: LOSS_ACTION[cause],
      target: { type: 'organization', id: organizationId },
      metadata: {
        cause,
        reason: opts.reason ?? null,
        installation: lifecycle.installation,
        forfeited: balance > 0 ? balance : 0,
        numbers: nums.length,
        plansToCancel: owed,
        ...opts.metadata,
      },
      at,
      idempotencyKey: `loss:${event.key}`,
    });
    if (forfeitEntry) {
      await audit.record(tx, {
        organizationId,
        actor,
        action: AUDIT_ACTIONS.conversationsForfeited,
        target: { type: 'ledger_entry', id: forfeitEntry },
        metadata: { conversations: balance, cause },
        at,
      });
    }
    for (const n of nums) {
      await audit.record(tx, {
        organizationId,
        actor,
        action: AUDIT_ACTIONS.numberDisconnected,
        target: { type: 'number', id: n.id },
        metadata: { number: n.number, cause, planChargeId: plans.get(n.id)?.id ?? null },
        at,
      });
    }
    return { forfeited: Math.max(0, balance), numbersDisconnected: nums.length, owed };
  });
  if (!outcome) return { changed: false, forfeited: 0, numbersDisconnected: 0, plansCancelled: 0, plansPending: 0 };
  const cancelled = outcome.owed ? await deps.cancellations.settle(organizationId) : { cancelled: 0, pending: 0 };
  deps.log.info({ organizationId, cause, forfeited: outcome.forfeited, numbers: outcome.numbersDisconnected, ...cancelled }, 'access lost');
  return {
    changed: true,
    forfeited: outcome.forfeited,
    numbersDisconnected: outcome.numbersDisconnected,
    plansCancelled: cancelled.cancelled,
    plansPending: cancelled.pending,
  };
}

/** A new installation after an uninstall: starts from zero (no balance, no numbers) and the terms must be accepted again. */
export async function reinstallIn(tx: Tx, organizationId: string, actor: Actor, at: Date, metadata: Record<string, unknown>) {
  const lifecycle = await repo.ensureLifecycle(tx, organizationId);
  const installation = lifecycle.installation + 1;
  await repo.updateLifecycle(tx, organizationId, {
    installation,
    installationStartedAt: at,
    statusReason: null,
    statusChangedAt: at,
    statusChangedBy: actorLabel(actor),
    accessLostAt: null,
    lossCause: null,
  });
  await repo.setOrganizationStatus(tx, organizationId, 'active');
  await audit.record(tx, {
    organizationId,
    actor,
    action: AUDIT_ACTIONS.accountReinstalled,
    target: { type: 'organization', id: organizationId },
    metadata: { installation, ...metadata },
    at,
    idempotencyKey: `install:${organizationId}:installation-${installation}`,
  });
}
