/**
 * `pnpm bench`, part "request path" (BENCH_ONLY=request-path runs only this): costs that must stay flat as a
 * business's ledger grows, and the authenticated request path under load. PostgreSQL only.
 *
 * a) GET /api/balance and a one-on-one template send, median of sequential calls, with about 1,000 ledger entries
 *    for one organization, then with 1,000,000 (seeded directly in the database as a large business's history
 *    would be, with the account row rebuilt from them). Goal: 1M ÷ 1k ≤ 1.2 for each.
 * b) GET /api/balance at 200 requests/s for 20 s. Goal: p99 ≤ 25 ms.
 * c) POST /api/messages (template, fresh recipients, the sandbox answering at once) at 50 requests/s for 20 s.
 *    Goal: p99 ≤ 60 ms.
 *
 * c) also prints how many sends one business gets through at most (20 at a time, no rate, its balance topped up).
 *
 * b and c are measured twice. "Steady" (loadtest): one request every 1/rate s, whether or not earlier ones were
 * answered, as independent users arrive; that is what the goals mean by a rate. "Bursts" (autocannon): its rate is
 * a budget per connection per second, spent at once when each second starts, so the second's requests arrive
 * together (20 at a time here) and queue behind each other; printed for comparison with earlier runs.
 *
 * The BFF's per-organization rate limit is raised explicitly (RATE_LIMIT_PER_MINUTE) so that it measures the
 * path, not the limiter's refusals.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import * as loadtest from 'loadtest';
import pg from 'pg';
import { openDatabase } from '../src/db/client.ts';
import { rebuildAccounts } from '../src/modules/ledger/ledger.repo.ts';
import { LedgerService } from '../src/modules/ledger/ledger.service.ts';
import { call, ownerToken, type Proc } from '../src/test/process-kit.ts';
import { withBenchProcesses } from './bench-kit.ts';

const ACME = '8c1f2a4e-6b0d-4c1e-9a57-00000000ac01';
/** A second business on the same plan and API version, kept at about 1,000 entries: the side-by-side control. */
const CEDAR = '6a2c4e8d-1f3b-4c5d-9e70-00000000ced1';
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const printLoad = () =>
  console.log(
    `      load average: ${loadavg()
      .map((x) => fmt(x, 2))
      .join(' / ')}`,
  );
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const BALANCE_CALLS = Number(process.env.BENCH_BALANCE_CALLS ?? 300);
const SEND_CALLS = Number(process.env.BENCH_SEND_CALLS ?? 100);
const LARGE = Number(process.env.BENCH_LEDGER_ENTRIES ?? 1_000_000);

let seq = 0;
const base = Math.floor(Math.random() * 8_999_999);
/** Fresh Polish mobile numbers, distinct within a run: every send opens a new conversation (the costly path). */
const freshRecipient = () => `+4850${String(1_000_000 + ((base + ++seq * 7919) % 8_999_999))}`;

async function timed(fn: () => Promise<{ status: number }>, expected: number): Promise<number> {
  const t = process.hrtime.bigint();
  const r = await fn();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== expected) throw new Error(`expected ${expected}, got ${r.status}: ${JSON.stringify(r)}`);
  return ms;
}

/** Appends `count` entries to the organization's history in one statement, then rebuilds its account row. */
async function seedHistory(url: string, organizationId: string, from: number, count: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A bulk load of history, as an import would write it: past the trigger, then the row rebuilt below.
    await client.query('set session_replication_role = replica');
    // Mostly opened conversations, a package every hundred entries: the balance stays positive.
    await client.query(
      `insert into ledger_entries (organization_id, delta, reason, idempotency_key, reference, created_at)
       select $1, case when i % 100 = 0 then 150 else -1 end, case when i % 100 = 0 then 'purchase' else 'conversation_opened' end,
              $1 || ':bench-history:' || i, 'bench', now() - (($2 + $3 - i) * interval '30 seconds')
         from generate_series($2::int, $2::int + $3::int - 1) as i`,
      [organizationId, from, count],
    );
    await client.query('reset session_replication_role');
    await client.query('vacuum analyze ledger_entries');
  } finally {
    await client.end();
  }
  const database = await openDatabase({ url, poolSize: 2 });
  try {
    await database.db.transaction(async (tx) => {
      const ledger = new LedgerService(database.db);
      await ledger.lockIn(tx, organizationId);
      await rebuildAccounts(tx, organizationId);
    });
    const { mismatches } = await new LedgerService(database.db).verify(organizationId);
    if (mismatches.length) throw new Error(`account row does not match the seeded entries: ${JSON.stringify(mismatches)}`);
  } finally {
    await database.close();
  }
}

/** An operator's credit through the ledger (its trigger keeps the account row). */
async function credit(url: string, organizationId: string, conversations: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into ledger_entries (organization_id, delta, reason, idempotency_key, reference) values ($1, $2, 'operator_credit', $3, 'bench')`,
      [organizationId, conversations, `${organizationId}:bench-credit:${randomUUID()}`],
    );
  } finally {
    await client.end();
  }
}

async function entriesOf(url: string, organizationId: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query('select count(*) as n from ledger_entries where organization_id = $1', [organizationId])).rows[0].n);
  } finally {
    await client.end();
  }
}

interface Caller {
  token: string;
  numberId: string;
}

const balanceCall = (bff: Proc, c: Caller) => timed(() => call(`${bff.url}/api/balance`, { token: c.token }), 200);
const sendCall = (bff: Proc, c: Caller) =>
  timed(
    () =>
      call(`${bff.url}/api/messages`, {
        token: c.token,
        body: {
          kind: 'template',
          numberId: c.numberId,
          to: freshRecipient(),
          templateName: 'order_shipped',
          language: 'en_US',
          variables: ['Ann', '#1', 'Monday'],
          clientRef: randomUUID(),
        },
      }),
    201,
  );

/**
 * Medians of balance reads and sends, called one after another; with several callers, in turns (A, B, A, B, …), so
 * the machine's load at any moment weighs on each alike.
 */
async function sequential(bff: Proc, callers: Caller[]) {
  const balance = callers.map(() => [] as number[]);
  const sends = callers.map(() => [] as number[]);
  for (let i = 0; i < BALANCE_CALLS; i++) for (const [k, c] of callers.entries()) balance[k]!.push(await balanceCall(bff, c));
  for (let i = 0; i < SEND_CALLS; i++) for (const [k, c] of callers.entries()) sends[k]!.push(await sendCall(bff, c));
  return callers.map((_, k) => ({ balance: median(balance[k]!), send: median(sends[k]!) }));
}

/** Requests at a steady rate (one every 1/rps s, open loop), with keep-alive connections as a browser keeps them. */
async function steady(o: { url: string; headers: Record<string, string>; rps: number; seconds: number; body?: () => string }) {
  // The library returns a promise when it is given no callback; its published types predate that.
  const run = loadtest.loadTest as unknown as (options: loadtest.LoadTestOptions) => Promise<loadtest.LoadTestResult>;
  const result = await run({
    url: o.url,
    method: o.body ? 'POST' : 'GET',
    headers: o.headers,
    requestsPerSecond: o.rps,
    maxSeconds: o.seconds,
    agentKeepAlive: true,
    quiet: true,
    ...(o.body ? { body: o.body, contentType: 'application/json' } : {}),
  });
  const p = result.percentiles;
  return `${result.totalRequests} requests, ${result.totalErrors} errors, latency p50 ${p[50]} ms, p99 ${p[99]} ms, max ${result.maxLatencyMs} ms`;
}

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export async function benchRequestPath(kind: 'postgres' | 'pglite') {
  console.log('\n3. Request path and ledger growth (one organization; BFF rate limit raised to 1,000,000/min for the run)');
  if (kind !== 'postgres') {
    console.log('   skipped: needs PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432)');
    return;
  }
  try {
    // The sandbox answers sends at once and holds status callbacks back, so the figures are the BFF's own.
    await withBenchProcesses({ rateLimitPerSecond: 10_000, callbackDelayMs: 600_000 }, async ({ sandbox, db, startBff }) => {
      const bff = await startBff({ env: { DEV_SEED_PLAN: 'full', RATE_LIMIT_PER_MINUTE: '1000000' } });
      const url = db.url!;
      const caller = async (org: string): Promise<Caller> => {
        const token = await ownerToken(sandbox.url, org);
        return { token, numberId: (await call(`${bff.url}/api/numbers`, { token })).body.numbers[0].id as string };
      };
      const acme = await caller(ACME);
      const cedar = await caller(CEDAR);
      // Cedar is seeded as a brand-new customer: its owner accepts the terms before it can send.
      await call(`${bff.url}/api/terms/acceptance`, {
        token: cedar.token,
        body: { version: (await call(`${bff.url}/api/public-config`)).body.termsVersion },
      });

      // a) about a thousand entries for both...
      await seedHistory(url, ACME, 1, 1_000 - (await entriesOf(url, ACME)));
      await seedHistory(url, CEDAR, 1, 1_000 - (await entriesOf(url, CEDAR)));
      await sequential(bff, [acme, cedar]); // warm-up: caches, JIT, connection pool
      const acmeEntries = await entriesOf(url, ACME);
      const [small] = await sequential(bff, [acme]);
      // ...then a million for Acme, measured in turns with Cedar, which stays small.
      const seedStarted = Date.now();
      await seedHistory(url, ACME, 1_000_000, LARGE - acmeEntries - SEND_CALLS * 2);
      const seedS = (Date.now() - seedStarted) / 1000;
      const [large, control] = await sequential(bff, [acme, cedar]);
      const [largeEntries, controlEntries] = [await entriesOf(url, ACME), await entriesOf(url, CEDAR)];
      console.log(
        `   a) medians of ${BALANCE_CALLS} balance reads and ${SEND_CALLS} one-on-one template sends (new conversation each), one after another`,
      );
      console.log(
        `      one business, before: ${acmeEntries.toLocaleString('en')} entries: GET /api/balance ${fmt(small!.balance)} ms, POST /api/messages ${fmt(small!.send)} ms`,
      );
      console.log(
        `      one business, after:  ${largeEntries.toLocaleString('en')} entries (seeded in ${fmt(seedS, 0)} s): GET /api/balance ${fmt(large!.balance)} ms, POST /api/messages ${fmt(large!.send)} ms`,
      );
      console.log(
        `      ratio after ÷ before: balance ${fmt(large!.balance / small!.balance)}, send ${fmt(large!.send / small!.send)}   (goal ≤ 1.2 each)`,
      );
      console.log(
        `      side by side, in turns: ${controlEntries.toLocaleString('en')}-entry business: balance ${fmt(control!.balance)} ms, send ${fmt(control!.send)} ms → ratio 1M ÷ 1k: balance ${fmt(large!.balance / control!.balance)}, send ${fmt(large!.send / control!.send)}`,
      );
      printLoad();

      const token = acme.token;
      const numberId = acme.numberId;
      // b) the balance under a steady 200 requests per second.
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const balanceSteady = await steady({ url: `${bff.url}/api/balance`, headers, rps: 200, seconds: 20 });
      console.log(`   b) GET /api/balance at 200/s for 20 s, steady: ${balanceSteady}   (goal p99 ≤ 25 ms)`);
      const balance = await load({ url: `${bff.url}/api/balance`, headers, overallRate: 200, duration: 20, connections: 20 });
      console.log(
        `      the same in bursts (autocannon): ${balance.requests.total} requests, ${balance.non2xx} not 2xx, latency p50 ${balance.latency.p50} ms, p99 ${balance.latency.p99} ms, max ${balance.latency.max} ms`,
      );
      printLoad();

      // c) template sends to fresh recipients at 50 per second.
      const sendBody = () =>
        JSON.stringify({
          kind: 'template',
          numberId,
          to: freshRecipient(),
          templateName: 'order_shipped',
          language: 'en_US',
          variables: ['Ann', '#1', 'Monday'],
          clientRef: randomUUID(),
        });
      const sendSteady = await steady({ url: `${bff.url}/api/messages`, headers, rps: 50, seconds: 20, body: sendBody });
      console.log(`   c) POST /api/messages (template, fresh recipients) at 50/s for 20 s, steady: ${sendSteady}   (goal p99 ≤ 60 ms)`);
      const sendsOf = (o: { overallRate?: number; duration: number }) =>
        load({
          url: `${bff.url}/api/messages`,
          headers,
          method: 'POST',
          connections: 20,
          ...o,
          requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: sendBody() }) }],
        });
      const sends = await sendsOf({ overallRate: 50, duration: 20 });
      console.log(
        `      the same in bursts (autocannon): ${sends.requests.total} requests, ${sends.non2xx} not 2xx, latency p50 ${sends.latency.p50} ms, p99 ${sends.latency.p99} ms, max ${sends.latency.max} ms`,
      );
      // How many sends one business gets through when it asks for more than it can have: no rate, 20 at a time.
      await credit(url, ACME, 100_000); // enough for every send it gets through, so none is refused for the balance
      const flat = await sendsOf({ duration: 10 });
      console.log(
        `      one business's most, 20 at a time for 10 s: ${fmt(flat.requests.total / 10, 0)} sends/s, ${flat.non2xx} not 2xx, latency p50 ${flat.latency.p50} ms, p99 ${flat.latency.p99} ms`,
      );
      printLoad();
      const check = await openDatabase({ url, poolSize: 1 });
      try {
        const { checked, mismatches } = await new LedgerService(check.db).verify();
        console.log(`   ledger check after the run: ${checked} account rows, ${mismatches.length} mismatches`);
      } finally {
        await check.close();
      }
    });
  } catch (err) {
    console.log(`   could not run: ${(err as Error).message}`);
  }
}
