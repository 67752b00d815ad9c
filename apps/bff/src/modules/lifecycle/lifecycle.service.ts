import { randomBytes } from 'node:crypto';
import { IANAZone } from 'luxon';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { AUDIT_ACTIONS, type Account, type AcceptTermsRequest, type LossCause, type LossPreview } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { campaigns, organizations } from '../../db/schema.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { actorLabel, actors, audit, type Actor } from '../audit/audit.ts';
import type { Identity } from '../auth/auth.service.ts';
import { currentPlanCharges } from '../billing/billing.service.ts';
import { isRecurrentFinal } from '../billing/charge-state.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import { blockOf, type Block } from './access.ts';
import * as repo from './lifecycle.repo.ts';
import type { PlanCancellationService } from './plan-cancellation.service.ts';
import { startOf, termsStateOf, type TermsConfig } from './terms.ts';

/** Reads (and the writes other modules take part in) that this module offers the others. */
export { allNumbers, findAcceptance, findAnyNumber, pendingCancellations } from './lifecycle.repo.ts';

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

/** The app webhook as LiveChat sends it; only what we read. Unsigned, so it is confirmed before acting. */
const LifecycleWebhookSchema = z.object({
  event: z.enum(['application_installed', 'application_uninstalled']),
  organizationID: z.string().min(1).max(100),
  clientID: z.string().max(200),
  licenseID: z.union([z.number(), z.string()]).optional(),
  userID: z.string().max(100).optional(),
  date: z.string().max(64),
});

export type LifecycleWebhookResult = 'uninstalled' | 'installed' | 'reinstalled' | 'replayed' | 'ignored';

/** Webhook dates may come from a clock a little ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

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

export function isTimeZone(tz: string): boolean {
  return IANAZone.isValidZone(tz);
}

/**
 * The business's life with us (Parts B, C.5, E, F.2, J and the terms' version history): terms acceptance,
 * suspension and restoration, revoking sending per number, and the loss of access on uninstall, LiveChat
 * account closure or termination — which cancels campaigns (through handlers), forfeits the remaining
 * conversations in one ledger entry, cancels every plan's recurrent charge and disconnects the numbers.
 */
export class LifecycleService {
  private readonly lossHandlers: LossOfAccessHandler[] = [];
  private readonly suspensionHandlers: SuspensionHandler[] = [];

  constructor(
    private readonly db: Db,
    private readonly ledger: LedgerService,
    private readonly cancellations: PlanCancellationService,
    readonly terms: TermsConfig,
    private readonly options: { clientId: string },
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Register what must happen, in the same transaction, when a business loses access (e.g. cancel campaigns). */
  onLossOfAccess(handler: LossOfAccessHandler): void {
    this.lossHandlers.push(handler);
  }

  onSuspended(handler: SuspensionHandler): void {
    this.suspensionHandlers.push(handler);
  }

  // ---- reading ------------------------------------------------------------------------------------------------

  private async org(conn: Db | Tx, organizationId: string): Promise<OrganizationRow> {
    const [row] = await conn.select().from(organizations).where(eq(organizations.id, organizationId));
    if (!row) throw errors.notFound('The business');
    return row;
  }

  private async stateOf(conn: Db | Tx, org: OrganizationRow) {
    const lifecycle = await repo.ensureLifecycle(conn, org.id);
    const acceptance = (await repo.findAcceptance(conn, org.id, lifecycle.installation, this.terms.version)) ?? null;
    const startedAt = startOf(org.createdAt, lifecycle);
    const terms = termsStateOf(this.terms, { startedAt, installation: lifecycle.installation, acceptance });
    const block = blockOf({ status: org.status, statusReason: lifecycle.statusReason, termsRequired: terms.acceptanceRequired });
    return { lifecycle, terms, startedAt, block };
  }

  async account(org: OrganizationRow, viewer?: Pick<Identity, 'role'>): Promise<Account> {
    const fresh = await this.org(this.db, org.id);
    const { lifecycle, terms, startedAt, block } = await this.stateOf(this.db, fresh);
    return {
      organizationId: fresh.id,
      status: fresh.status,
      statusReason: lifecycle.statusReason,
      statusChangedAt: lifecycle.statusChangedAt?.toISOString() ?? null,
      startedAt: startedAt.toISOString(),
      timeZone: lifecycle.timeZone ?? 'UTC',
      terms,
      canSend: block === null,
      canBuy: block === null,
      blockedReason: block?.reason ?? null,
      blockedCode: block?.code ?? null,
      canAcceptTerms: viewer?.role === 'owner',
    };
  }

  /** Why this business may not send or buy now, or null; `conn` lets a send read it inside its own transaction. */
  async blockFor(organizationId: string, conn: Db | Tx = this.db): Promise<Block | null> {
    const org = await this.org(conn, organizationId);
    return (await this.stateOf(conn, org)).block;
  }

  /** The business's time zone (H: refund days are counted in it). */
  async timeZoneOf(organizationId: string): Promise<string> {
    return (await repo.ensureLifecycle(this.db, organizationId)).timeZone ?? 'UTC';
  }

  /** Facts the refund rules need: start, installation and time zone. */
  async profile(organizationId: string, conn: Db | Tx = this.db): Promise<{ startedAt: Date; installation: number; timeZone: string }> {
    const org = await this.org(conn, organizationId);
    const lifecycle = await repo.ensureLifecycle(conn, organizationId);
    return { startedAt: startOf(org.createdAt, lifecycle), installation: lifecycle.installation, timeZone: lifecycle.timeZone ?? 'UTC' };
  }

  // ---- terms --------------------------------------------------------------------------------------------------

  /** The owner accepts the terms in force; recorded once per installation and version (a repeat changes nothing). */
  async acceptTerms(identity: Identity, org: OrganizationRow, input: AcceptTermsRequest): Promise<Account> {
    if (identity.role !== 'owner') throw errors.forbidden('Only the owner of your LiveChat organization can accept the terms.');
    if (input.version !== this.terms.version) {
      throw errors.validation(
        [{ path: 'version', message: `The terms in force are version ${this.terms.version}. Reload and read them again.` }],
        'These are not the terms in force.',
      );
    }
    if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) {
      throw errors.validation([{ path: 'timeZone', message: 'Unknown time zone' }]);
    }
    await this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, org.id);
      const lifecycle = await repo.ensureLifecycle(tx, org.id);
      const { row, created } = await repo.insertAcceptance(tx, {
        organizationId: org.id,
        installation: lifecycle.installation,
        version: this.terms.version,
        accountId: identity.accountId,
        accountName: identity.name ?? identity.email,
        acceptedAt: this.now(),
      });
      if (!lifecycle.timeZone && input.timeZone) await repo.updateLifecycle(tx, org.id, { timeZone: input.timeZone });
      if (created) {
        await audit.record(tx, {
          organizationId: org.id,
          actor: actors.account(identity.accountId),
          action: AUDIT_ACTIONS.termsAccepted,
          target: { type: 'terms', id: this.terms.version },
          metadata: { version: this.terms.version, installation: lifecycle.installation, url: this.terms.url, acceptanceId: row.id },
          at: row.acceptedAt,
        });
      }
    });
    return this.account(org, identity);
  }

  // ---- what uninstalling takes away ---------------------------------------------------------------------------

  async lossPreview(organizationId: string): Promise<LossPreview> {
    const [remaining, nums, reserved] = await Promise.all([
      this.ledger.balance(organizationId),
      repo.connectedNumbers(this.db, organizationId),
      this.db
        .select({ held: sql<string>`coalesce(sum(${campaigns.reservedHeld}), 0)` })
        .from(campaigns)
        .where(eq(campaigns.organizationId, organizationId)),
    ]);
    const plans = await currentPlanCharges(
      this.db,
      nums.map((n) => n.id),
    );
    return {
      remainingConversations: Math.max(0, remaining),
      reservedConversations: Number(reserved[0]?.held ?? 0),
      numbers: nums.map((n) => {
        const plan = plans.get(n.id);
        const running = plan && !isRecurrentFinal(plan.status);
        return {
          id: n.id,
          number: n.number,
          displayName: n.displayName,
          planChargeId: running ? plan.id : null,
          planName: running ? plan.name : null,
        };
      }),
    };
  }

  // ---- loss of access (C.5, E) ----------------------------------------------------------------------------------

  /**
   * All of it at once, in one transaction under the organization's lock: handlers (campaigns cancel and release
   * their reservations), one `forfeited` ledger entry for exactly the balance left, every number disconnected and
   * its running plan's cancellation owed, the status changed, everything audited. Then the plans are cancelled
   * with LiveChat (now if a token is kept, else by the retry job). A second call for a business that already
   * lost access changes nothing.
   */
  async loseAccess(
    organizationId: string,
    cause: LossCause,
    actor: Actor,
    opts: { reason?: string | null; at?: Date; metadata?: Record<string, unknown> } = {},
  ): Promise<LossOfAccessResult> {
    const at = opts.at ?? this.now();
    const outcome = await this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, organizationId);
      const org = await this.org(tx, organizationId);
      if (org.status === 'terminated' || org.status === 'uninstalled') return null;
      const lifecycle = await repo.ensureLifecycle(tx, organizationId);
      const event: LossOfAccessEvent = { cause, at, key: `${organizationId}:installation-${lifecycle.installation}` };

      for (const handler of this.lossHandlers) await handler(tx, organizationId, event);

      const balance = await this.ledger.balanceIn(tx, organizationId);
      let forfeitEntry: string | null = null;
      if (balance > 0) {
        const { row } = await this.ledger.debitIn(tx, {
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
    const cancelled = outcome.owed ? await this.cancellations.settle(organizationId) : { cancelled: 0, pending: 0 };
    this.log.info(
      { organizationId, cause, forfeited: outcome.forfeited, numbers: outcome.numbersDisconnected, ...cancelled },
      'access lost',
    );
    return {
      changed: true,
      forfeited: outcome.forfeited,
      numbersDisconnected: outcome.numbersDisconnected,
      plansCancelled: cancelled.cancelled,
      plansPending: cancelled.pending,
    };
  }

  /** A new installation after an uninstall: starts from zero (no balance, no numbers) and the terms must be accepted again. */
  private async reinstallIn(tx: Tx, organizationId: string, actor: Actor, at: Date, metadata: Record<string, unknown>) {
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

  // ---- operator actions (F.2, J) ----------------------------------------------------------------------------

  async suspend(organizationId: string, actor: Actor, reason: string | null): Promise<{ changed: boolean }> {
    const at = this.now();
    return this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, organizationId);
      const org = await this.org(tx, organizationId);
      if (org.status === 'suspended') return { changed: false };
      if (org.status !== 'active') throw this.closed(org.status);
      await repo.ensureLifecycle(tx, organizationId);
      await repo.setOrganizationStatus(tx, organizationId, 'suspended');
      await repo.updateLifecycle(tx, organizationId, { statusReason: reason, statusChangedAt: at, statusChangedBy: actorLabel(actor) });
      for (const handler of this.suspensionHandlers) await handler(tx, organizationId, { at, reason });
      await audit.record(tx, {
        organizationId,
        actor,
        action: AUDIT_ACTIONS.accountSuspended,
        target: { type: 'organization', id: organizationId },
        metadata: { reason },
        at,
      });
      return { changed: true };
    });
  }

  async restore(organizationId: string, actor: Actor, reason: string | null): Promise<{ changed: boolean }> {
    const at = this.now();
    return this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, organizationId);
      const org = await this.org(tx, organizationId);
      if (org.status === 'active') return { changed: false };
      if (org.status !== 'suspended') throw this.closed(org.status);
      await repo.setOrganizationStatus(tx, organizationId, 'active');
      await repo.updateLifecycle(tx, organizationId, { statusReason: null, statusChangedAt: at, statusChangedBy: actorLabel(actor) });
      await audit.record(tx, {
        organizationId,
        actor,
        action: AUDIT_ACTIONS.accountRestored,
        target: { type: 'organization', id: organizationId },
        metadata: { reason },
        at,
      });
      return { changed: true };
    });
  }

  async setSendingRevoked(
    organizationId: string,
    numberId: string,
    revoked: boolean,
    actor: Actor,
    reason: string | null,
  ): Promise<{ changed: boolean }> {
    return this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, organizationId);
      const n = await repo.findAnyNumber(tx, organizationId, numberId);
      if (!n || n.disconnectedAt) throw errors.notFound('The connected WhatsApp number');
      if (n.sendingRevoked === revoked) return { changed: false };
      await repo.setSendingRevoked(tx, n.id, revoked);
      await audit.record(tx, {
        organizationId,
        actor,
        action: revoked ? AUDIT_ACTIONS.sendingRevoked : AUDIT_ACTIONS.sendingRestored,
        target: { type: 'number', id: n.id },
        metadata: { number: n.number, reason },
      });
      return { changed: true };
    });
  }

  /** A migrated customer's real start (it decides the terms version they are on and whether they are new). */
  async setStartedAt(organizationId: string, startedAt: Date, actor: Actor, reason: string | null): Promise<{ changed: boolean }> {
    return this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, organizationId);
      const lifecycle = await repo.ensureLifecycle(tx, organizationId);
      if (lifecycle.startedAt?.getTime() === startedAt.getTime()) return { changed: false };
      await repo.updateLifecycle(tx, organizationId, { startedAt });
      await audit.record(tx, {
        organizationId,
        actor,
        action: AUDIT_ACTIONS.accountStartBackdated,
        target: { type: 'organization', id: organizationId },
        metadata: { startedAt: startedAt.toISOString(), previous: lifecycle.startedAt?.toISOString() ?? null, reason },
      });
      return { changed: true };
    });
  }

  private closed(status: string): DomainError {
    return errors.conflict(
      status === 'terminated'
        ? 'This business was terminated; it cannot be suspended or restored.'
        : 'This business uninstalled the app; it starts again only by reinstalling.',
    );
  }

  // ---- LiveChat app webhooks: application_installed / application_uninstalled ---------------------------------------

  /**
   * Handles an app webhook if it is a lifecycle event; `null` for any other event. The webhook carries no
   * signature: besides its unguessable path, it is confirmed before acting — our client id, an organization we
   * serve, the license we recorded for it, a date that is neither in the future nor older than the current
   * installation. Acting is idempotent: one loss of access per installation, one reinstall per new installation.
   */
  async onAppWebhook(body: unknown): Promise<LifecycleWebhookResult | null> {
    const event = typeof (body as { event?: unknown })?.event === 'string' ? (body as { event: string }).event : null;
    if (event !== 'application_installed' && event !== 'application_uninstalled') return null;
    const parsed = LifecycleWebhookSchema.safeParse(body);
    if (!parsed.success) return 'ignored';
    const hook = parsed.data;
    const at = new Date(hook.date);
    if (hook.clientID !== this.options.clientId || Number.isNaN(at.getTime()) || at.getTime() > this.now().getTime() + CLOCK_SKEW_MS) {
      this.log.warn({ event, organizationId: hook.organizationID }, 'app webhook not confirmed; ignored');
      return 'ignored';
    }
    const licenseId = hook.licenseID === undefined ? null : String(hook.licenseID);
    const [known] = await this.db.select().from(organizations).where(eq(organizations.id, hook.organizationID));

    if (hook.event === 'application_uninstalled') {
      if (!known) return 'ignored';
      const lifecycle = await repo.ensureLifecycle(this.db, known.id);
      if (lifecycle.licenseId && licenseId && lifecycle.licenseId !== licenseId) return 'ignored';
      // A delivery dated before this installation began belongs to an earlier one: a replay. A reinstall we
      // heard from LiveChat starts at its event's date, so both dates come from LiveChat's clock.
      if (lifecycle.installation > 1 && at.getTime() <= lifecycle.installationStartedAt.getTime()) return 'replayed';
      const when = at.getTime() < this.now().getTime() ? at : this.now();
      const r = await this.loseAccess(known.id, 'uninstalled', actors.livechat(), {
        at: when,
        metadata: { userId: hook.userID ?? null, eventDate: hook.date },
      });
      return r.changed ? 'uninstalled' : 'replayed';
    }

    // application_installed: remember the install date (the business's start, if earlier) and the license;
    // after an uninstall, start a new installation from zero.
    return this.db.transaction(async (tx) => {
      if (!known) {
        await tx
          .insert(organizations)
          .values({ id: hook.organizationID, webhookSecret: randomBytes(24).toString('base64url') })
          .onConflictDoNothing();
      }
      await this.ledger.lockIn(tx, hook.organizationID);
      const org = await this.org(tx, hook.organizationID);
      const lifecycle = await repo.ensureLifecycle(tx, org.id);
      if (lifecycle.licenseId && licenseId && lifecycle.licenseId !== licenseId) return 'ignored';
      if (org.status === 'uninstalled') {
        // An install dated before the uninstall is that earlier installation's event, delivered again.
        if (!lifecycle.accessLostAt || at.getTime() <= lifecycle.accessLostAt.getTime()) return 'replayed';
        await this.reinstallIn(tx, org.id, actors.livechat(), at, { userId: hook.userID ?? null, eventDate: hook.date });
        return 'reinstalled';
      }
      const values: Parameters<typeof repo.updateLifecycle>[2] = {};
      if (!lifecycle.licenseId && licenseId) values.licenseId = licenseId;
      if (!lifecycle.startedAt || at < lifecycle.startedAt) values.startedAt = at;
      if (Object.keys(values).length === 0) return 'replayed';
      await repo.updateLifecycle(tx, org.id, values);
      await audit.record(tx, {
        organizationId: org.id,
        actor: actors.livechat(),
        action: AUDIT_ACTIONS.accountInstalled,
        target: { type: 'organization', id: org.id },
        metadata: { licenseId, installedAt: at.toISOString(), userId: hook.userID ?? null },
        idempotencyKey: `installed:${org.id}:${at.toISOString()}`,
      });
      return 'installed';
    });
  }

  /**
   * The owner's own way back when the install webhook never arrived: after an uninstall, an owner who opens the
   * app again starts a new installation from zero.
   */
  async reactivate(identity: Identity, organizationId: string): Promise<void> {
    if (identity.role !== 'owner') throw errors.forbidden('Only the owner of your LiveChat organization can start the app again.');
    await this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, organizationId);
      const org = await this.org(tx, organizationId);
      if (org.status !== 'uninstalled')
        throw errors.conflict(
          org.status === 'terminated' ? 'This business was terminated by the service operator.' : 'The app is already active.',
        );
      await this.reinstallIn(tx, organizationId, actors.account(identity.accountId), this.now(), { via: 'owner' });
    });
  }
}
