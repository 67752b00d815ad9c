import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { DB_KINDS, openTestDatabase } from '../../test/test-db.ts';
import { ensureOrganization } from '../organizations/organizations.repo.ts';
import { listEntries, sumBalance } from './ledger.repo.ts';
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
        const balance = await sumBalance(database.db, org);
        expect(balance).toBe(sum);
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
  });
});
