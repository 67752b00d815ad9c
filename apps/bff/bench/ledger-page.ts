/**
 * `pnpm bench`, part "ledger page" (BENCH_ONLY=ledger-page runs only this): one page of GET /api/ledger for an
 * organization with about 1,000 entries and for one with 1,000,000 (seeded directly in the database, as a large
 * business's history would be, and their account rows rebuilt from them), both in the same database. Two pages each:
 * the newest (no cursor) and one deep in the history (a cursor 90 % of the way down). The calls alternate between
 * the two organizations, so a change in the machine's load during the run weighs on both alike. Keyset paging on
 * (organization_id, created_at, id) makes every page a range scan of one page: goal 1M ÷ 1k ≤ 1.2 for each.
 * PostgreSQL only.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { encodeCursor } from '@wa/contracts';
import { openDatabase } from '../src/db/client.ts';
import { rebuildAccounts } from '../src/modules/ledger/ledger.repo.ts';
import { call, ownerToken } from '../src/test/process-kit.ts';
import { withBenchProcesses } from './bench-kit.ts';

const ACME = '8c1f2a4e-6b0d-4c1e-9a57-00000000ac01';
const BISTRO = '3d7e9b10-2f4a-4b8c-8e21-00000000b157';
const CALLS = Number(process.env.BENCH_LEDGER_PAGE_CALLS ?? 300);
const PAGE = 100;
const LARGE = Number(process.env.BENCH_LEDGER_ENTRIES ?? 1_000_000);
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () =>
  loadavg()
    .map((x) => fmt(x, 2))
    .join(' / ');

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Appends `count` entries in one statement (a bulk load past the account trigger), then rebuilds the account row. */
async function seedLedger(url: string, organizationId: string, from: number, count: number) {
  if (count <= 0) return;
  await withClient(url, async (c) => {
    await c.query('set session_replication_role = replica');
    // Mostly opened conversations, a package every hundred entries, 30 s apart, older than anything the BFF wrote.
    await c.query(
      `insert into ledger_entries (organization_id, delta, reason, idempotency_key, reference, created_at)
       select $1, case when i % 100 = 0 then 150 else -1 end, case when i % 100 = 0 then 'purchase' else 'conversation_opened' end,
              $1 || ':bench-ledger-page:' || i, 'bench', now() - interval '1 day' - (i * interval '30 seconds')
         from generate_series($2::int, $2::int + $3::int - 1) as i`,
      [organizationId, from, count],
    );
    await c.query('reset session_replication_role');
    await c.query('vacuum analyze ledger_entries');
  });
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    await database.db.transaction((tx) => rebuildAccounts(tx, organizationId));
  } finally {
    await database.close();
  }
}

const entriesOf = (url: string, organizationId: string) =>
  withClient(url, async (c) =>
    Number((await c.query('select count(*) as n from ledger_entries where organization_id = $1', [organizationId])).rows[0].n),
  );

/** The cursor a walk would hold after `position` entries, newest first. */
const cursorAt = (url: string, organizationId: string, position: number) =>
  withClient(url, async (c) => {
    const row = (
      await c.query<{ micros: string; id: string }>(
        `select (extract(epoch from created_at) * 1000000)::bigint::text as micros, id from ledger_entries
          where organization_id = $1 order by created_at desc, id desc offset $2 limit 1`,
        [organizationId, position],
      )
    ).rows[0]!;
    return encodeCursor([row.micros, row.id]);
  });

async function timedPage(bffUrl: string, token: string, cursor: string | null): Promise<number> {
  const path = `${bffUrl}/api/ledger?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`;
  const t = process.hrtime.bigint();
  const r = await call<{ entries: unknown[] }>(path, { token });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 200 || r.body.entries.length !== PAGE)
    throw new Error(`GET /api/ledger answered ${r.status} with ${r.body.entries?.length} entries`);
  return ms;
}

interface Subject {
  token: string;
  entries: number;
  deep: string;
  first: number[];
  deepMs: number[];
}

async function subject(url: string, token: string, organizationId: string): Promise<Subject> {
  const entries = await entriesOf(url, organizationId);
  // 90 % of the way down, leaving a full page after the cursor.
  const deep = await cursorAt(url, organizationId, Math.min(Math.floor(entries * 0.9), entries - PAGE - 1));
  return { token, entries, deep, first: [], deepMs: [] };
}

export async function benchLedgerPage(kind: 'postgres' | 'pglite') {
  console.log(
    `\n5. A page of GET /api/ledger (${PAGE} entries, median of ${CALLS} calls alternating between the two): an organization with 1k entries vs one with 1M`,
  );
  if (kind !== 'postgres') {
    console.log('   skipped: needs PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432)');
    return;
  }
  try {
    await withBenchProcesses({ rateLimitPerSecond: 10_000, callbackDelayMs: 600_000 }, async ({ sandbox, db, startBff }) => {
      const bff = await startBff({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
      const url = db.url!;
      const smallToken = await ownerToken(sandbox.url, BISTRO);
      const largeToken = await ownerToken(sandbox.url, ACME);
      await call(`${bff.url}/api/me`, { token: smallToken });
      await call(`${bff.url}/api/me`, { token: largeToken });

      const started = Date.now();
      await seedLedger(url, BISTRO, 1, 1_000 - (await entriesOf(url, BISTRO)));
      await seedLedger(url, ACME, 1_000_000, LARGE - (await entriesOf(url, ACME)));
      const seededS = (Date.now() - started) / 1000;
      const small = await subject(url, smallToken, BISTRO);
      const large = await subject(url, largeToken, ACME);
      // Warm-up: connection pool, JIT, buffer cache.
      for (let i = 0; i < 20; i++) for (const x of [small, large]) await timedPage(bff.url, x.token, i % 2 ? x.deep : null);
      for (let i = 0; i < CALLS; i++) {
        for (const x of [small, large]) {
          x.first.push(await timedPage(bff.url, x.token, null));
          x.deepMs.push(await timedPage(bff.url, x.token, x.deep));
        }
      }
      for (const x of [small, large]) {
        const seeded = x === large ? ` (seeded in ${fmt(seededS, 0)} s)` : '';
        console.log(
          `   ${x.entries.toLocaleString('en')} entries${seeded}: newest page ${fmt(median(x.first))} ms, a page 90 % down ${fmt(median(x.deepMs))} ms`,
        );
      }
      const ratio = (a: number[], b: number[]) => fmt(median(a) / median(b));
      console.log(
        `   ratio 1M ÷ 1k: newest page ${ratio(large.first, small.first)}, deep page ${ratio(large.deepMs, small.deepMs)}   (goal ≤ 1.2 each)   [load ${load()}]`,
      );
    });
  } catch (err) {
    console.log(`   could not run: ${(err as Error).message}`);
  }
}

// `tsx bench/ledger-page.ts` runs this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  benchLedgerPage('postgres').then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(0);
    },
  );
}
