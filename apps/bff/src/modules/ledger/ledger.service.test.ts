import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { DB_KINDS, openTestDatabase } from '../../test/test-db.ts';
import { ensureOrganization } from '../organizations/organizations.service.ts';
import { expectLedgerInvariant } from '../../test/ledger-invariant.ts';
import { listEntries, readAccount, rebuildAccounts, sumEntries } from './ledger.repo.ts';
import { InsufficientBalanceError, LedgerService } from './ledger.service.ts';

describe.each(DB_KINDS)('ledger on %s', (kind) => {
  let database: Database;
  let ledger: LedgerService;
  let n = 0;
  const freshOrg = async () => (await ensureOrganization(database.db, `org-ledger-${kind}-${++n}`)).id;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    ledger = new LedgerService(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('C.2: 200 concurrent debits against a balance of 100 spend exactly 100', async () => {
    const org = await freshOrg();
    await ledger.credit({ organizationId: org, amount: 100, reason: 'purchase', key: 'charge:seed' });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        ledger.debit({ organizationId: org, amount: 1, reason: 'conversation_opened', key: `conversation:${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toBe(100);
    expect(refused).toHaveLength(100);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientBalanceError);
    expect(await ledger.balance(org)).toBe(0);
    expect(await listEntries(database.db, org, 1000)).toHaveLength(101);
    await expectLedgerInvariant(database.db, org);
  });

  it('a replayed idempotency key is a no-op, for credits and debits alike', async () => {
    const org = await freshOrg();
    const first = await ledger.credit({ organizationId: org, amount: 500, reason: 'purchase', key: 'charge:abc' });
    const again = await Promise.all(
      Array.from({ length: 20 }, () => ledger.credit({ organizationId: org, amount: 500, reason: 'purchase', key: 'charge:abc' })),
    );
    expect(first.created).toBe(true);
    expect(again.every((r) => !r.created && r.row.id === first.row.id)).toBe(true);
    await ledger.debit({ organizationId: org, amount: 1, reason: 'conversation_opened', key: 'conversation:x' });
    const replay = await ledger.debit({ organizationId: org, amount: 1, reason: 'conversation_opened', key: 'conversation:x' });
    expect(replay.created).toBe(false);
    expect(await ledger.balance(org)).toBe(499);
    await expectLedgerInvariant(database.db, org);
  });

  it('keys are scoped per organization: the same key in two organizations is two entries', async () => {
    const a = await freshOrg();
    const b = await freshOrg();
    await ledger.credit({ organizationId: a, amount: 10, reason: 'purchase', key: 'charge:same' });
    await ledger.credit({ organizationId: b, amount: 10, reason: 'purchase', key: 'charge:same' });
    expect(await ledger.balance(a)).toBe(10);
    expect(await ledger.balance(b)).toBe(10);
  });

  it('the balance always equals the sum of the entries and never goes negative (property)', async () => {
    const op = fc.oneof(
      fc.record({ type: fc.constant('credit' as const), amount: fc.integer({ min: 1, max: 20 }), key: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ type: fc.constant('debit' as const), amount: fc.integer({ min: 1, max: 20 }), key: fc.integer({ min: 0, max: 30 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const org = await freshOrg();
        // Interleave: all operations start at once.
        await Promise.allSettled(
          ops.map((o) =>
            o.type === 'credit'
              ? ledger.credit({ organizationId: org, amount: o.amount, reason: 'purchase', key: `c:${o.key}` })
              : ledger.debit({ organizationId: org, amount: o.amount, reason: 'conversation_opened', key: `d:${o.key}` }),
          ),
        );
        const entries = await listEntries(database.db, org, 10_000);
        const sum = entries.reduce((s, e) => s + e.delta, 0);
        const balance = (await sumEntries(database.db, org)).remaining;
        expect(balance).toBe(sum);
        expect(await ledger.balance(org)).toBe(sum);
        await expectLedgerInvariant(database.db, org);
        expect(balance).toBeGreaterThanOrEqual(0);
        // Each key appears at most once.
        expect(new Set(entries.map((e) => e.idempotencyKey)).size).toBe(entries.length);
      }),
      { numRuns: kind === 'pglite' ? 15 : 25 },
    );
  });

  it('refuses a debit larger than the balance with how many are missing', async () => {
    const org = await freshOrg();
    await ledger.credit({ organizationId: org, amount: 2, reason: 'purchase', key: 'p' });
    await expect(ledger.debit({ organizationId: org, amount: 3, reason: 'reservation', key: 'r' })).rejects.toMatchObject({
      needed: 3,
      available: 2,
    });
    expect(await ledger.balance(org)).toBe(2);
    await expectLedgerInvariant(database.db, org);
  });

  it('the account row equals the sum of the entries after concurrent debits, credits, reservations, releases, conversions and replays (property)', async () => {
    const amount = fc.integer({ min: 1, max: 15 });
    const key = fc.integer({ min: 0, max: 12 });
    const op = fc.oneof(
      fc.record({ type: fc.constant('credit' as const), amount, key }),
      fc.record({ type: fc.constant('debit' as const), amount, key }),
      fc.record({ type: fc.constant('reserve' as const), amount, key }),
      fc.record({ type: fc.constant('release' as const), amount, key }),
      // A campaign batch: reservations turned into opened conversations (net zero, appended without the lock).
      fc.record({ type: fc.constant('convert' as const), amount: fc.integer({ min: 1, max: 4 }), key }),
      // A batch that also spends beyond the reservation (net negative: locked and checked).
      fc.record({ type: fc.constant('spend-batch' as const), amount: fc.integer({ min: 1, max: 4 }), key }),
    );
    const run = (org: string, o: { type: string; amount: number; key: number }) => {
      switch (o.type) {
        case 'credit':
          return ledger.credit({ organizationId: org, amount: o.amount, reason: 'purchase', key: `c:${o.key}` });
        case 'debit':
          return ledger.debit({ organizationId: org, amount: o.amount, reason: 'conversation_opened', key: `d:${o.key}` });
        case 'reserve':
          return ledger.debit({ organizationId: org, amount: o.amount, reason: 'reservation', key: `r:${o.key}` });
        case 'release':
          return ledger.credit({ organizationId: org, amount: o.amount, reason: 'reservation_released', key: `rr:${o.key}` });
        case 'convert':
          return database.db.transaction((tx) =>
            ledger.appendManyIn(
              tx,
              org,
              Array.from({ length: o.amount }, (_, i) => [
                { delta: 1, reason: 'reservation_released' as const, key: `cv:${o.key}:${i}` },
                { delta: -1, reason: 'conversation_opened' as const, key: `co:${o.key}:${i}` },
              ]).flat(),
            ),
          );
        default:
          return database.db.transaction((tx) =>
            ledger.appendManyIn(
              tx,
              org,
              Array.from({ length: o.amount }, (_, i) => ({ delta: -1, reason: 'conversation_opened' as const, key: `sb:${o.key}:${i}` })),
            ),
          );
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), async (ops, replays) => {
        const org = await freshOrg();
        await ledger.credit({ organizationId: org, amount: 20, reason: 'purchase', key: 'seed' });
        // Every operation at once, plus replays of some of them (the same keys again, racing the first call).
        const all = [...ops, ...replays.map((i) => ops[i % ops.length]!)];
        await Promise.allSettled(all.map((o) => run(org, o)));
        const truth = await sumEntries(database.db, org);
        expect(await readAccount(database.db, org)).toEqual(truth);
        expect(await ledger.balance(org)).toBe(truth.remaining);
        expect(truth.remaining).toBeGreaterThanOrEqual(0);
        await expectLedgerInvariant(database.db, org);
        const entries = await listEntries(database.db, org, 10_000);
        expect(new Set(entries.map((e) => e.idempotencyKey)).size).toBe(entries.length);
      }),
      { numRuns: kind === 'pglite' ? 12 : 25 },
    );
  });

  it('verify finds an account row changed behind the ledger, and a missing one', async () => {
    const org = await freshOrg();
    await ledger.credit({ organizationId: org, amount: 7, reason: 'purchase', key: 'p' });
    expect((await ledger.verify(org)).mismatches).toEqual([]);
    await database.query('update ledger_accounts set remaining = remaining + 1 where organization_id = $1', [org]);
    expect((await ledger.verify(org)).mismatches).toEqual([
      { organizationId: org, account: { remaining: 8, reserved: 0 }, entries: { remaining: 7, reserved: 0 } },
    ]);
    await database.query('delete from ledger_accounts where organization_id = $1', [org]);
    expect((await ledger.verify(org)).mismatches).toEqual([
      { organizationId: org, account: { remaining: 0, reserved: 0 }, entries: { remaining: 7, reserved: 0 } },
    ]);
    await rebuildAccounts(database.db, org);
    expect((await ledger.verify(org)).mismatches).toEqual([]);
  });
});
