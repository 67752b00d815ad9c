import { AUDIT_ACTIONS, ErrorCode, type Balance } from '@wa/contracts';
import { balanceOf } from './balance.service.ts';
import { ledgerPage, ledgerPages } from './ledger-history.repo.ts';
import type { Db, Tx } from '../../db/client.ts';
import { DomainError } from '../../lib/errors.ts';
import { actors, audit } from '../audit/audit.ts';
import {
  appendMany,
  appendOnce,
  findAccountMismatches,
  lockOrganization,
  readAccount,
  type AccountMismatch,
  type AccountTotals,
  type LedgerRow,
  type NewEntry,
} from './ledger.repo.ts';

export type { AccountMismatch, AccountTotals };

/**
 * The organization's ledger lock, for modules that never move conversations themselves but must not interleave
 * with a transaction that does (refunds, data deletion). Holders of a LedgerService call `ledger.lockIn`.
 */
export function lockLedgerIn(tx: Tx, organizationId: string): Promise<void> {
  return lockOrganization(tx, organizationId);
}

/** Conversations left, read in O(1) inside `tx`; for modules without a LedgerService (see `LedgerService.balanceIn`). */
export async function ledgerBalanceIn(tx: Tx, organizationId: string): Promise<number> {
  return (await readAccount(tx, organizationId)).remaining;
}

export class InsufficientBalanceError extends DomainError {
  constructor(
    public readonly needed: number,
    public readonly available: number,
  ) {
    super(
      ErrorCode.insufficientBalance,
      'Not enough conversations',
      `This needs ${needed} conversation${needed === 1 ? '' : 's'} but ${available} ${available === 1 ? 'is' : 'are'} left. Ask an owner to buy a package.`,
    );
  }
}

/**
 * The only way conversations move. Every method is idempotent on its key and runs in one
 * transaction with the organization's row lock, so the balance can never go negative. The balance is read from
 * the organization's account row, which the database changes in the statement that appends entries (see
 * `ledgerAccounts` in db/schema.ts): it never drifts from the sum of the entries, and `verify` proves it.
 */
export class LedgerService {
  constructor(private readonly db: Db) {}

  /** The balance as the widget shows it (remaining, reserved, threshold), from the account row. */
  view(organizationId: string): Promise<Balance> {
    return balanceOf(this.db, organizationId);
  }

  /** One page of the ledger, newest first. */
  page(organizationId: string, q: { limit: number; after?: readonly [micros: string, id: string] | undefined }) {
    return ledgerPage(this.db, organizationId, q);
  }

  /** Every entry, page by page, for a download that streams. */
  pages(organizationId: string) {
    return ledgerPages(this.db, organizationId);
  }

  /** Conversations left: the account row, read in O(1). */
  async balance(organizationId: string): Promise<number> {
    return (await readAccount(this.db, organizationId)).remaining;
  }

  /** Remaining and reserved conversations, from the account row. */
  totals(organizationId: string): Promise<AccountTotals> {
    return readAccount(this.db, organizationId);
  }

  /**
   * Takes the organization's ledger lock for the rest of `tx`. Every transaction that checks the balance and then
   * appends takes it first; so do transactions that must not interleave with a send (suspension, loss of access).
   */
  lockIn(tx: Tx, organizationId: string): Promise<void> {
    return lockOrganization(tx, organizationId);
  }

  /** Conversations left, read inside `tx`; after `lockIn` nothing can lower it until `tx` ends. */
  async balanceIn(tx: Tx, organizationId: string): Promise<number> {
    return (await readAccount(tx, organizationId)).remaining;
  }

  /**
   * Compares every account row (or one organization's) with the sum of its entries. The ledger is the truth; a
   * mismatch means the row was changed behind the ledger's back.
   */
  verify(organizationId?: string): Promise<{ checked: number; mismatches: AccountMismatch[] }> {
    return findAccountMismatches(this.db, organizationId);
  }

  /** Spends `amount` inside an existing transaction. A replayed key returns the first entry. */
  async debitIn(tx: Tx, entry: Omit<NewEntry, 'delta'> & { amount: number }): Promise<{ row: LedgerRow; created: boolean }> {
    if (!Number.isInteger(entry.amount) || entry.amount <= 0) throw new Error('debit amount must be a positive integer');
    await this.lockIn(tx, entry.organizationId);
    // Appended first and checked after, under the lock: two trips instead of three. Below zero, the error rolls
    // the whole transaction back, the entry with it. A replayed key returns the first entry, unchecked.
    const { amount, ...rest } = entry;
    const result = await appendOnce(tx, { ...rest, delta: -amount });
    if (!result.created) return result;
    const after = await this.balanceIn(tx, entry.organizationId);
    if (after < 0) throw new InsufficientBalanceError(amount, after + amount);
    return result;
  }

  /** Adds `amount` inside an existing transaction; a replayed key is a no-op. */
  async creditIn(tx: Tx, entry: Omit<NewEntry, 'delta'> & { amount: number }): Promise<{ row: LedgerRow; created: boolean }> {
    if (!Number.isInteger(entry.amount) || entry.amount <= 0) throw new Error('credit amount must be a positive integer');
    await this.lockIn(tx, entry.organizationId);
    const { amount, ...rest } = entry;
    const result = await appendOnce(tx, { ...rest, delta: amount });
    // Money events are audited; a paid package is one, recorded in the credit's transaction.
    if (result.created && entry.reason === 'purchase') {
      await audit.record(tx, {
        organizationId: entry.organizationId,
        actor: actors.system('billing'),
        action: AUDIT_ACTIONS.conversationsPurchased,
        target: { type: 'ledger_entry', id: result.row.id },
        metadata: { conversations: amount, chargeId: entry.reference ?? null },
      });
    }
    return result;
  }

  /**
   * Appends several movements of one organization at once (a campaign batch: reservations turned into opened
   * conversations), each idempotent on its key. When they take conversations out, the organization is locked and
   * the balance checked once, after the insert, in the same transaction: below zero, everything rolls back.
   */
  async appendManyIn(tx: Tx, organizationId: string, entries: Omit<NewEntry, 'organizationId'>[]): Promise<number> {
    if (!entries.length) return 0;
    for (const e of entries) if (!Number.isInteger(e.delta) || e.delta === 0) throw new Error('ledger delta must be a non-zero integer');
    const net = entries.reduce((s, e) => s + e.delta, 0);
    // Movements that leave the balance as it is or raise it (a reservation turned into the conversations it
    // was for) cannot make it negative: only a net withdrawal needs the organization's lock and the check.
    if (net < 0) await this.lockIn(tx, organizationId);
    const created = await appendMany(
      tx,
      entries.map((e) => ({ ...e, organizationId })),
    );
    if (net < 0) {
      const after = await this.balanceIn(tx, organizationId);
      if (after < 0) throw new InsufficientBalanceError(-net, after - net);
    }
    return created;
  }

  debit(entry: Omit<NewEntry, 'delta'> & { amount: number }) {
    return this.db.transaction((tx) => this.debitIn(tx, entry));
  }

  credit(entry: Omit<NewEntry, 'delta'> & { amount: number }) {
    return this.db.transaction((tx) => this.creditIn(tx, entry));
  }
}
