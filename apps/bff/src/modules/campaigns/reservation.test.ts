import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { expectLedgerInvariant } from '../../test/ledger-invariant.ts';
import { startStack, type Stack } from '../../test/stack.ts';
import { optOut } from '../optouts/optouts.service.ts';
import { campaignOf, csvOf, customer, poll, sandboxMessages, upload } from '../../test/campaign-test-kit.ts';

// Whole stacks (BFF, sandbox, pg-boss workers) per suite: generous limits for a busy machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * The reservation accounting, under random campaigns: refusals of every kind, transient errors, cancels at
 * random moments, opt-outs mid-way, "first N" launches. Whatever happens:
 * - every reserved conversation ends spent (turned into an opened conversation) or released;
 * - the balance is never negative, and ends at start − conversations that stayed open;
 * - every recipient ends in exactly one terminal state, with at most one message at Kaleyra.
 */

const MODES = ['http503', 'http429', 'WA400', '131026', '131049', 'not-sent'] as const;

describe.each(DB_KINDS)('reservation accounting on %s', (kind) => {
  let s: Stack;
  let owner: string;
  let numberId: string;
  let acmeNumber: string;
  let orgId: string;

  beforeAll(async () => {
    s = await startStack(kind, { workers: true, sandbox: { kaleyraCallbackDelayMs: 10 } });
    owner = await s.token(s.orgs[0]!, 'owner');
    const n = (await s.api(owner, '/api/numbers')).body.numbers[0];
    numberId = n.id;
    acmeNumber = n.number;
    orgId = s.orgs[0]!.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const ledgerSum = async () =>
    Number(
      (
        await s.database.query<{ s: string }>('select coalesce(sum(delta), 0) as s from ledger_entries where organization_id = $1', [orgId])
      )[0]!.s,
    );

  it('C.2: every reserved conversation ends spent or released; the balance never goes negative (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          size: fc.integer({ min: 2, max: 10 }),
          failures: fc.array(fc.constantFrom(...MODES), { maxLength: 4 }),
          cancelAfter: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
          optOutIndex: fc.option(fc.nat(), { nil: null }),
          firstN: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
        }),
        async ({ size, failures, cancelAfter, optOutIndex, firstN }) => {
          const start = await ledgerSum();
          const recipients = Array.from({ length: size }, () => customer());
          const created = await upload(s, owner, { numberId }, csvOf(recipients.map((p, i) => [p, `N${i}`, `O${i}`])));
          expect(created.status).toBe(201);
          const id = created.body.campaign.id as string;
          await fetch(`${s.sandboxUrl}/sandbox/kaleyra/fail-next`, { method: 'DELETE' });
          for (const mode of failures) await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode, number: acmeNumber });
          const sendLimit = firstN !== null && firstN < size ? firstN : null;
          const launched = await s.api(owner, `/api/campaigns/${id}/launch`, { body: { sendLimit, ratePerSecond: 20 } });
          expect(launched.status).toBe(200);

          const balances: number[] = [];
          let optedOut: string | null = null;
          const final = await poll(
            async () => {
              balances.push(await ledgerSum());
              // Mid-campaign too: the account row agrees with the entries whatever is in flight.
              await expectLedgerInvariant(s.database.db, orgId);
              const c = await campaignOf(s, owner, id);
              const handed = c.counts.sent + c.counts.delivered + c.counts.read + c.counts.failed;
              if (optOutIndex !== null && optedOut === null && handed >= 1) {
                optedOut = recipients[optOutIndex % size]!;
                await optOut(s.database.db, { organizationId: orgId, recipient: optedOut, source: 'keyword' });
              }
              if (cancelAfter !== null && handed >= cancelAfter && ['running', 'scheduled', 'paused'].includes(c.status)) {
                await s.api(owner, `/api/campaigns/${id}/cancel`, { body: {} });
              }
              return c;
            },
            (c) => c.status === 'completed' || c.status === 'cancelled',
            60_000,
          );
          // Let the last callbacks (failed openers give their conversation back) arrive.
          const settled = await poll(
            async () => {
              const rows = await s.database.query<{ n: string }>(
                `select count(*) as n from messages m join campaign_recipients r on r.message_id = m.id where r.campaign_id = $1 and m.status in ('queued', 'accepted', 'sent', 'delivered')`,
                [id],
              );
              return { pending: Number(rows[0]!.n), c: await campaignOf(s, owner, id) };
            },
            (x) => x.pending === 0 && x.c.counts.sending === 0,
            30_000,
          );
          const c = settled.c;

          // Every recipient ended in exactly one terminal state.
          expect(c.counts.pending + c.counts.sending).toBe(0);
          expect(c.counts.sent + c.counts.delivered + c.counts.read + c.counts.failed + c.counts.skipped + c.counts.cancelled).toBe(size);
          expect(final.reserved).toBe(0);

          // The campaign's reservations net to zero: each unit was turned into a conversation or released.
          const entries = await s.database.query<{ reason: string; delta: number; key: string }>(
            `select reason, delta, idempotency_key as key from ledger_entries where organization_id = $1 and reference = $2`,
            [orgId, id],
          );
          const reserved = -entries.filter((e) => e.reason === 'reservation').reduce((a, e) => a + e.delta, 0);
          const converted = entries.filter((e) => e.reason === 'reservation_released' && e.key.includes('campaign-convert:')).length;
          const released = entries
            .filter((e) => e.reason === 'reservation_released' && !e.key.includes('campaign-convert:'))
            .reduce((a, e) => a + e.delta, 0);
          expect(converted + released).toBe(reserved);

          // The balance never went below zero and ends at start − conversations that stayed open.
          expect(Math.min(...balances)).toBeGreaterThanOrEqual(0);
          const open = await s.database.query<{ n: string }>(
            `select count(*) as n from conversations c where c.status = 'open' and c.cost > 0
               and c.id in (select m.conversation_id from messages m join campaign_recipients r on r.message_id = m.id where r.campaign_id = $1)`,
            [id],
          );
          expect(await ledgerSum()).toBe(start - Number(open[0]!.n));
          await expectLedgerInvariant(s.database.db, orgId);
          expect((await s.services.ledger.totals(orgId)).reserved).toBe(0);

          // At most one message per recipient reached Kaleyra, and nobody opted out got one after opting out.
          const sent = (await sandboxMessages(s, acmeNumber)).filter((m) => recipients.includes(m.to));
          expect(new Set(sent.map((m) => m.to)).size).toBe(sent.length);
          await fetch(`${s.sandboxUrl}/sandbox/kaleyra/fail-next`, { method: 'DELETE' });
        },
      ),
      { numRuns: Number(process.env.CAMPAIGN_PROPERTY_RUNS ?? (kind === 'pglite' ? 6 : 8)) },
    );
  }, 600_000);
});
