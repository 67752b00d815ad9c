import type { AuditActorType } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { insertAudit, type AuditRow } from './audit.repo.ts';

/** Who did something, as the audit log records it. */
export interface Actor {
  type: AuditActorType;
  /** Account id, operator name, `app_webhook`, or the job's name. */
  id: string | null;
}

export const actors = {
  account: (accountId: string): Actor => ({ type: 'account', id: accountId }),
  operator: (name: string): Actor => ({ type: 'operator', id: name }),
  livechat: (what = 'app_webhook'): Actor => ({ type: 'livechat', id: what }),
  system: (what: string): Actor => ({ type: 'system', id: what }),
};

/** How an actor is written into a row's `…_by` column: `type:id`, e.g. `operator:anna`. */
export const actorLabel = (actor: Actor): string => `${actor.type}:${actor.id ?? ''}`;

export interface AuditInput {
  organizationId: string | null;
  actor: Actor;
  /** `area.verb`, e.g. `refund.approved`; see AUDIT_ACTIONS in the contracts. */
  action: string;
  target?: { type: string; id: string } | undefined;
  /** Metadata only: ids, counts, amounts, statuses, an operator's reason. Never tokens or message content. */
  metadata?: Record<string, unknown> | undefined;
  at?: Date | undefined;
  /** A replayed event with the same key records nothing new. */
  idempotencyKey?: string | undefined;
}

const SECRET_KEYS = /token|secret|password|authorization|api[-_]?key/i;

/** Drops anything that looks like a credential, so a careless caller cannot put one in the log. */
function scrub(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata).filter(([k, v]) => !SECRET_KEYS.test(k) && v !== undefined));
}

/**
 * The audit log: every money, number, permission and lifecycle event with actor, time and metadata. Call it with
 * the transaction that makes the change, so the event is recorded exactly when the change is:
 *
 *   await audit.record(tx, { organizationId, actor: actors.account(identity.accountId), action: 'number.connected',
 *                            target: { type: 'number', id }, metadata: { chargeId } });
 */
export const audit = {
  async record(conn: Db | Tx, input: AuditInput): Promise<AuditRow | null> {
    return insertAudit(conn, {
      organizationId: input.organizationId,
      actorType: input.actor.type,
      actorId: input.actor.id,
      action: input.action,
      targetType: input.target?.type ?? null,
      targetId: input.target?.id ?? null,
      metadata: scrub(input.metadata ?? {}),
      ...(input.at ? { at: input.at } : {}),
      idempotencyKey: input.idempotencyKey ?? null,
    });
  },
};
