import { IANAZone } from 'luxon';
import { eq, sql } from 'drizzle-orm';
import { AUDIT_ACTIONS, type Account, type AcceptTermsRequest, type LossCause, type LossPreview } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { campaigns } from '../../db/schema.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { actorLabel, actors, audit, type Actor } from '../audit/audit.ts';
import type { Identity } from '../auth/auth.service.ts';
import { currentPlanCharges } from '../billing/billing.service.ts';
import { isRecurrentFinal } from '../billing/charge-state.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import { blockOf, type Block } from './access.ts';
import { handleAppWebhook, type LifecycleWebhookResult } from './app-webhook.ts';
import * as repo from './lifecycle.repo.ts';
import { loseAccess, reinstallIn, type LossOfAccessHandler, type LossOfAccessResult, type SuspensionHandler } from './loss-of-access.ts';
import { organizationOf } from './organization-of.ts';
import type { PlanCancellationService } from './plan-cancellation.service.ts';
import { startOf, termsStateOf, type TermsConfig } from './terms.ts';

/** Reads (and the writes other modules take part in) that this module offers the others. */
export { allNumbers, findAcceptance, findAnyNumber, pendingCancellations } from './lifecycle.repo.ts';
export type { LossOfAccessEvent, LossOfAccessHandler, LossOfAccessResult, SuspensionHandler } from './loss-of-access.ts';
export type { LifecycleWebhookResult } from './app-webhook.ts';

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

  private async stateOf(conn: Db | Tx, org: OrganizationRow) {
    const lifecycle = await repo.ensureLifecycle(conn, org.id);
    const acceptance = (await repo.findAcceptance(conn, org.id, lifecycle.installation, this.terms.version)) ?? null;
    const startedAt = startOf(org.createdAt, lifecycle);
    const terms = termsStateOf(this.terms, { startedAt, installation: lifecycle.installation, acceptance });
    const block = blockOf({ status: org.status, statusReason: lifecycle.statusReason, termsRequired: terms.acceptanceRequired });
    return { lifecycle, terms, startedAt, block };
  }

  async account(org: OrganizationRow, viewer?: Pick<Identity, 'role'>): Promise<Account> {
    const fresh = await organizationOf(this.db, org.id);
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
    const org = await organizationOf(conn, organizationId);
    return (await this.stateOf(conn, org)).block;
  }

  /** The business's time zone (H: refund days are counted in it). */
  async timeZoneOf(organizationId: string): Promise<string> {
    return (await repo.ensureLifecycle(this.db, organizationId)).timeZone ?? 'UTC';
  }

  /** Facts the refund rules need: start, installation and time zone. */
  async profile(organizationId: string, conn: Db | Tx = this.db): Promise<{ startedAt: Date; installation: number; timeZone: string }> {
    const org = await organizationOf(conn, organizationId);
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

  /** See `loseAccess` in loss-of-access.ts: everything a business loses, at once, under its lock; a repeat changes nothing. */
  async loseAccess(
    organizationId: string,
    cause: LossCause,
    actor: Actor,
    opts: { reason?: string | null; at?: Date; metadata?: Record<string, unknown> } = {},
  ): Promise<LossOfAccessResult> {
    const { db, ledger, cancellations, lossHandlers: handlers, log, now } = this;
    return loseAccess({ db, ledger, cancellations, handlers, log, now }, organizationId, cause, actor, opts);
  }

  // ---- operator actions (F.2, J) ----------------------------------------------------------------------------

  async suspend(organizationId: string, actor: Actor, reason: string | null): Promise<{ changed: boolean }> {
    const at = this.now();
    return this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, organizationId);
      const org = await organizationOf(tx, organizationId);
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
      const org = await organizationOf(tx, organizationId);
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

  /** See `handleAppWebhook` in app-webhook.ts: a confirmed, idempotent install or uninstall; `null` for other events. */
  async onAppWebhook(body: unknown): Promise<LifecycleWebhookResult | null> {
    const { db, ledger, log, now } = this;
    return handleAppWebhook(
      { db, ledger, clientId: this.options.clientId, log, now, loseAccess: (...args) => this.loseAccess(...args) },
      body,
    );
  }

  /**
   * The owner's own way back when the install webhook never arrived: after an uninstall, an owner who opens the
   * app again starts a new installation from zero.
   */
  async reactivate(identity: Identity, organizationId: string): Promise<void> {
    if (identity.role !== 'owner') throw errors.forbidden('Only the owner of your LiveChat organization can start the app again.');
    await this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, organizationId);
      const org = await organizationOf(tx, organizationId);
      if (org.status !== 'uninstalled')
        throw errors.conflict(
          org.status === 'terminated' ? 'This business was terminated by the service operator.' : 'The app is already active.',
        );
      await reinstallIn(tx, organizationId, actors.account(identity.accountId), this.now(), { via: 'owner' });
    });
  }
}
