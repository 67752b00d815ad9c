import {
  encodeCursor,
  ErrorCode,
  type Balance,
  type Bill,
  type BillsQuery,
  type Catalog,
  type ChargeStatus,
  type ConfirmChargeResponse,
  type LiveChatCharge,
  type Usage,
  type UsageQuery,
} from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError, errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { BillingError, type BillingPort, type DirectCharge, type RecurrentCharge } from '../../providers/livechat-billing/billing.port.ts';
import { balanceOf } from '../ledger/balance.service.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import * as repo from './billing.repo.ts';
import { usageOf } from './billing-usage.ts';
import { billsPage } from './bills-page.repo.ts';
import type { ChargeRow } from './billing.repo.ts';
import { findPackage, packageChargeName, packageItem } from './catalog.ts';
import {
  directStep,
  isRecurrentFinal,
  isWatched,
  nextDirectStatus,
  nextRecurrentStatus,
  outcomeMessage,
  outcomeOf,
  planStatusFor,
  recurrentNeedsActivation,
  type LocalDirectStatus,
} from './charge-state.ts';

/** Reads (and the writes other modules take part in) that this module offers the others. */
export {
  currentPlanCharges,
  currentPlanOf,
  disconnectNumber,
  findCharge,
  insertCharge,
  listCharges,
  openKeptToken,
  setNumberPlanStatus,
} from './billing.repo.ts';

/** Who asks, with the LiveChat token the Billing API needs (it accepts nothing else). */
export interface Caller {
  organizationId: string;
  accountId: string;
  token: string;
  /** Epoch ms. */
  tokenExpiresAt: number | null;
}

export interface BillingOptions {
  /** `return_url` of every charge: where LiveChat's own confirmation page sends the owner back. */
  returnUrl: string;
  testCharges: boolean;
  /** A charge nobody approved for this long is cancelled. */
  pendingTtlMs: number;
}

/** Billing API failures in words the owner can act on; nothing is written when these are thrown. */
export function billingUnavailable(err: unknown): DomainError {
  if (err instanceof BillingError && err.status === 401) {
    return errors.unauthenticated('LiveChat billing did not accept your session. Sign in again.', ErrorCode.tokenExpired);
  }
  if (err instanceof BillingError && err.status < 500 && err.status !== 404) {
    return new DomainError(
      ErrorCode.upstreamRefused,
      'LiveChat billing refused',
      `LiveChat billing refused the request. Nothing was charged.`,
    );
  }
  return errors.upstream('LiveChat billing');
}

const isInvalidState = (err: unknown) => err instanceof BillingError && err.status === 422;

/**
 * Packages and plan charges through LiveChat's Billing API, and the one place a charge's news becomes state:
 * `settle()` re-fetches the charge, activates it when the owner approved it, credits a paid package exactly
 * once (ledger key `charge:<id>`) and mirrors a plan onto its number. The widget's confirmation, the app
 * webhook and the background sync all end here, in any order, as often as they like.
 */
export class BillingService {
  constructor(
    private readonly db: Db,
    private readonly ledger: LedgerService,
    private readonly billing: BillingPort,
    readonly catalog: Catalog,
    private readonly options: BillingOptions,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ---- buying -------------------------------------------------------------------------------------------------

  /** Creates the direct charge for a catalog package; the widget opens LiveChat's payment modal with it. */
  async buyPackage(caller: Caller, packageId: string): Promise<{ bill: Bill; charge: LiveChatCharge }> {
    const pkg = findPackage(this.catalog, packageId);
    if (!pkg) {
      throw errors.validation(
        [{ path: 'packageId', message: `Unknown package. Choose one of: ${this.catalog.packages.map((p) => p.id).join(', ')}.` }],
        'There is no such conversation package.',
      );
    }
    let remote: DirectCharge;
    try {
      remote = await this.billing.createDirectCharge(caller.token, {
        name: packageChargeName(pkg),
        price: pkg.price,
        quantity: 1,
        returnUrl: this.options.returnUrl,
        test: this.options.testCharges,
      });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'direct charge creation failed');
      throw billingUnavailable(err);
    }
    const row = await repo.insertCharge(this.db, {
      id: remote.id,
      organizationId: caller.organizationId,
      kind: 'direct',
      item: packageItem(pkg),
      name: remote.name,
      priceCents: pkg.price,
      quantity: 1,
      conversations: pkg.conversations,
      status: remote.status,
      createdBy: caller.accountId,
    });
    return { bill: await this.bill(caller.organizationId, row.id), charge: remote.raw as LiveChatCharge };
  }

  /** The widget heard back from the payment modal: verify with LiveChat and apply, whatever it said. */
  async confirm(caller: Caller, chargeId: string): Promise<ConfirmChargeResponse> {
    const row = await this.settle(caller.organizationId, chargeId, caller.token);
    const status = row.status as ChargeStatus;
    const [bill, balance] = await Promise.all([this.bill(caller.organizationId, row.id), balanceOf(this.db, caller.organizationId)]);
    return {
      bill,
      ...outcomeOf(status),
      message: outcomeMessage(row.kind, status, row.conversations),
      balance,
    };
  }

  // ---- settling -----------------------------------------------------------------------------------------------

  /**
   * Brings our record of one charge up to date with LiveChat and acts on it. Safe to call concurrently and
   * repeatedly: a second activation is refused by LiveChat and re-read, status changes only move forward, and
   * the credit is keyed by the charge.
   */
  async settle(organizationId: string, chargeId: string, token: string): Promise<ChargeRow> {
    const row = await repo.findCharge(this.db, chargeId);
    if (!row || row.organizationId !== organizationId) throw errors.notFound('The charge');
    try {
      await this.refresh(row, token);
    } catch (err) {
      this.log.warn({ chargeId, err: (err as Error).message }, 'charge settlement failed');
      throw billingUnavailable(err);
    }
    return (await repo.findCharge(this.db, chargeId))!;
  }

  /** settle() for the sync and webhooks: Billing API errors come out as they are. */
  async refresh(row: ChargeRow, token: string): Promise<void> {
    if (row.kind === 'direct') await this.settleDirect(row, token);
    else await this.settleRecurrent(row, token);
  }

  private stale(row: ChargeRow): boolean {
    return this.now().getTime() - row.createdAt.getTime() > this.options.pendingTtlMs;
  }

  private async settleDirect(row: ChargeRow, token: string): Promise<void> {
    const local = row.status as LocalDirectStatus;
    if (local === 'success' || local === 'failed' || local === 'declined') return;
    let remote = await this.billing.getDirectCharge(token, row.id);
    if (!remote) return;
    // Activating is what makes LiveChat collect: only for a charge we still stand behind.
    if (directStep(remote.status) === 'activate' && local !== 'cancelled') {
      try {
        remote = await this.billing.activateDirectCharge(token, row.id);
      } catch (err) {
        if (!isInvalidState(err)) throw err;
        remote = (await this.billing.getDirectCharge(token, row.id)) ?? remote; // someone else activated it first
      }
    }
    if (remote.status === 'pending' && this.stale(row)) {
      await this.db.transaction(async (tx) => {
        const locked = await repo.lockCharge(tx, row.id);
        if (locked?.status === 'pending') await repo.updateCharge(tx, row.id, { status: 'cancelled' });
      });
      this.log.info({ chargeId: row.id }, 'stale package charge cancelled');
      return;
    }
    await this.applyDirect(row.id, remote.status);
  }

  /** Records LiveChat's status; on success credits the catalog's conversations in the same transaction. */
  private async applyDirect(chargeId: string, remote: DirectCharge['status']): Promise<void> {
    await this.db.transaction(async (tx) => {
      const locked = await repo.lockCharge(tx, chargeId);
      if (!locked) return;
      const next = nextDirectStatus(locked.status as LocalDirectStatus, remote);
      if (next === 'success' && locked.conversations) {
        // We credit what our catalog sold, never what the remote charge claims.
        await this.ledger.creditIn(tx, {
          organizationId: locked.organizationId,
          amount: locked.conversations,
          reason: 'purchase',
          key: `charge:${chargeId}`,
          reference: chargeId,
        });
      }
      if (next !== locked.status) await repo.updateCharge(tx, chargeId, { status: next });
    });
  }

  private async settleRecurrent(row: ChargeRow, token: string): Promise<void> {
    if (isRecurrentFinal(row.status)) return;
    let remote = await this.billing.getRecurrentCharge(token, row.id);
    if (!remote) return;
    if (recurrentNeedsActivation(remote.status)) {
      try {
        remote = await this.billing.activateRecurrentCharge(token, row.id);
      } catch (err) {
        if (!isInvalidState(err)) throw err;
        remote = (await this.billing.getRecurrentCharge(token, row.id)) ?? remote;
      }
    } else if (remote.status === 'pending' && this.stale(row)) {
      remote = await this.cancelRemotePlan(token, row.id);
      this.log.info({ chargeId: row.id }, 'stale plan charge cancelled');
    }
    await this.applyRecurrent(row.id, remote);
  }

  /** Cancels a plan's recurrent charge with LiveChat; one that is already final is simply re-read. */
  async cancelRemotePlan(token: string, chargeId: string): Promise<RecurrentCharge> {
    try {
      return await this.billing.cancelRecurrentCharge(token, chargeId);
    } catch (err) {
      if (!isInvalidState(err)) throw err;
      const again = await this.billing.getRecurrentCharge(token, chargeId);
      if (!again) throw err;
      return again;
    }
  }

  /** Mirrors a plan's status onto our charge and, while it is the number's current plan, onto the number. */
  async applyRecurrent(
    chargeId: string,
    remote: Pick<RecurrentCharge, 'status' | 'nextChargeAt'>,
    extra?: (tx: Tx) => Promise<void>,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const locked = await repo.lockCharge(tx, chargeId);
      if (!locked) return;
      const next = nextRecurrentStatus(locked.status as RecurrentCharge['status'], remote.status);
      await repo.updateCharge(tx, chargeId, { status: next, nextChargeAt: next === 'cancelled' ? null : remote.nextChargeAt });
      if (locked.numberId && (await repo.isCurrentPlanCharge(tx, locked))) {
        await repo.setNumberPlanStatus(tx, locked.numberId, planStatusFor(next));
      }
      await extra?.(tx);
    });
  }

  /** Charges of an organization the sync must keep asking LiveChat about. */
  async watchedCharges(organizationId: string): Promise<ChargeRow[]> {
    return (await repo.listCharges(this.db, organizationId)).filter((c) => isWatched(c.kind, c.status));
  }

  // ---- bills, usage, settings ---------------------------------------------------------------------------------

  async bills(organizationId: string): Promise<Bill[]> {
    const rows = await repo.listBills(this.db, organizationId);
    return rows.map((r) => this.toBill(r.charge, r.number, Number(r.credited)));
  }

  async bill(organizationId: string, chargeId: string): Promise<Bill> {
    const [r] = await repo.listBills(this.db, organizationId, chargeId);
    if (!r) throw errors.notFound('The charge');
    return this.toBill(r.charge, r.number, Number(r.credited));
  }

  toBill(c: ChargeRow, number: string | null, credited: number): Bill {
    return {
      id: c.id,
      kind: c.kind,
      item: c.item,
      description: c.name,
      priceCents: c.priceCents,
      currency: this.catalog.currency,
      quantity: c.quantity,
      months: c.kind === 'recurrent' ? (c.months ?? 1) : null,
      conversations: c.kind === 'direct' ? c.conversations : null,
      credited,
      numberId: c.numberId,
      number,
      status: c.status as ChargeStatus,
      nextChargeAt: c.nextChargeAt?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
    };
  }

  /** A page of bills, newest first, and where the next page starts (null on the last). */
  async billsPage(organizationId: string, q: BillsQuery): Promise<{ bills: Bill[]; nextCursor: string | null }> {
    const page = await billsPage(this.db, organizationId, { limit: q.limit, after: q.cursor });
    const last = page.rows[page.rows.length - 1];
    return {
      bills: page.rows.map((r) => this.toBill(r.charge, r.number, Number(r.credited))),
      nextCursor: page.more && last ? encodeCursor([last.micros, last.charge.id]) : null,
    };
  }

  static readonly BILLS_CSV_HEADER = [
    'date',
    'charge_id',
    'item',
    'description',
    'number',
    'status',
    'price',
    'currency',
    'conversations',
    'credited_conversations',
    'next_charge_at',
  ];

  /** Every bill, newest first, a page at a time, as CSV rows, with what the ledger credited for each. */
  async *billsCsvRows(organizationId: string, pageSize = 1_000): AsyncGenerator<unknown[][]> {
    let after: readonly [string, string] | undefined;
    for (;;) {
      const page = await billsPage(this.db, organizationId, { limit: pageSize, after });
      yield page.rows.map(({ charge, number, credited }) => {
        const b = this.toBill(charge, number, Number(credited));
        return [
          b.createdAt,
          b.id,
          b.item,
          b.description,
          b.number,
          b.status,
          (b.priceCents / 100).toFixed(2),
          b.currency,
          b.conversations,
          b.credited,
          b.nextChargeAt,
        ];
      });
      const last = page.rows[page.rows.length - 1];
      if (!page.more || !last) return;
      after = [last.micros, last.charge.id];
    }
  }

  async setLowBalanceThreshold(organizationId: string, threshold: number | null): Promise<Balance> {
    await repo.setLowBalanceThreshold(this.db, organizationId, threshold);
    return balanceOf(this.db, organizationId);
  }

  async usage(organizationId: string, q: UsageQuery): Promise<Usage> {
    return usageOf(this.db, organizationId, q, this.now());
  }
}
