/**
 * `pnpm bench`: prints figures, fails nothing.
 *
 * 1. Campaign dispatch: 5,000 recipients over 2 numbers (Acme v2, Bistro v1), the sandbox limiting each number
 *    to 80 accepted sends per rolling second. Figure: achieved rate ÷ limit, a) with Kaleyra's status callbacks
 *    held back (goal ≥ 0.95), b) with them live, 3 per message (goal ≥ 0.90).
 *    c) Dispatch cost: the BFF's CPU time per message for 50,000 recipients ÷ for 5,000, same pace (≤ 1.2).
 * 2. Checking a 100,000-row CSV (all of step 3) against a floor pass over the same file (papaparse stream,
 *    libphonenumber-js/max validation, a Set for duplicates). Figures: ratio (goal ≤ 1.3) and peak RSS of
 *    the check's process (goal < 300 MB); and at 10,000 rows, the time per row at 100k ÷ at 10k (goal ≤ 1.2).
 * 3. Two instances share a campaign; one is killed with SIGKILL: the longest gap with no send accepted (≤ 5 s),
 *    and refs sent twice with the sandbox's ref de-duplication off (0).
 *
 * 4. The request path and ledger growth (bench/request-path.ts; BENCH_ONLY=request-path runs only it).
 * 5. A page of the ledger's history at 1k vs 1M entries (bench/ledger-page.ts; BENCH_ONLY=ledger-page runs only it).
 * 6. WhatsApp chats in LiveChat at 20 messages/s each way: what the BFF adds, lost, duplicated (bench/relay.ts;
 *    BENCH_ONLY=relay runs only it).
 * Every figure is printed with the machine's load average at that moment.
 * Everything runs as real processes (sandbox, BFF) on PostgreSQL when one answers at TEST_DATABASE_URL or
 * 127.0.0.1:5432, else on PGlite. BENCH_ONLY=dispatch|cost|takeover|csv runs one part
 * (dispatch-live: only 1b); BENCH_PER_NUMBER changes
 * the size.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchRequestPath } from './request-path.ts';
import { benchLedgerPage } from './ledger-page.ts';
import { benchRelay } from './relay.ts';
import { ACME, BENCH_ENV, LIMIT, prng, uploadBenchCampaign, withBenchProcesses } from './bench-kit.ts';
import { benchTakeover } from './takeover.ts';
import { call, createChildDatabase, ownerToken, postgresAvailable, type ChildDatabase } from '../src/test/process-kit.ts';

const BISTRO = '3d7e9b10-2f4a-4b8c-8e21-00000000b157';
const PER_NUMBER = Number(process.env.BENCH_PER_NUMBER ?? 2_500);

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const loadNow = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');

/** CPU time (user + system, ms) of every process in a process group: the BFF under tsx is two processes. */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the name: state(0) ppid(1) pgrp(2) … utime(11) stime(12).
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---- 1. dispatch ------------------------------------------------------------------------------

interface DispatchOptions {
  perNumber?: number;
  /** Each number's limit (the sandbox's counter and the BFF's pace). */
  limit?: number;
  /** Measure only until this many messages went out (then cancel): the cost of sending from a campaign this big. */
  measureFirst?: number;
}

async function benchDispatch(kind: 'postgres' | 'pglite', liveCallbacks: boolean, options: DispatchOptions = {}) {
  const perNumberCount = options.perNumber ?? PER_NUMBER;
  const limit = options.limit ?? LIMIT;
  return withBenchProcesses(
    { rateLimitPerSecond: limit, callbackDelayMs: 250 },
    async ({ sandbox, db, startBff }) => {
      // On PGlite the bench cannot credit the balance from outside the BFF: utility conversations are made free.
      const bff = await startBff({
        // The numbers pay for the Full plan, whose 80 messages per second match the limit measured against.
        env: {
          ...BENCH_ENV,
          DEV_SEED_PLAN: 'full',
          ...(limit !== LIMIT
            ? { CAMPAIGN_NUMBER_RATE_PER_SECOND: String(limit), KALEYRA_ACCOUNT_RATE_PER_SECOND: String(4 * limit) }
            : {}),
          ...(kind === 'pglite' ? { CHARGED_CATEGORIES: 'marketing,authentication,service' } : {}),
        },
      });
      if (db.url) {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        for (const org of [ACME, BISTRO]) {
          await client.query(
            `insert into ledger_entries (organization_id, delta, reason, idempotency_key, reference) values ($1, $2, 'operator_credit', $3, 'bench')`,
            [org, perNumberCount + 100, `${org}:bench-credit`],
          );
        }
        await client.end();
      }
      const rand = prng(7);
      const campaigns: { id: string; token: string; from: string; org: string }[] = [];
      for (const org of [ACME, BISTRO]) {
        const token = await ownerToken(sandbox.url, org);
        const number = (await call(`${bff.url}/api/numbers`, { token })).body.numbers[0];
        const id = await uploadBenchCampaign(bff.url, token, { numberId: number.id, name: 'Bench', recipients: perNumberCount, rand });
        campaigns.push({ id, token, from: number.number, org });
      }
      // Kaleyra's sent/delivered/read callbacks (3 per message) either come live, or only after the run, so the
      // figure shows the pace of dispatch itself.
      await call(`${sandbox.url}/sandbox/kaleyra/config`, { body: { callback_delay_ms: liveCallbacks ? 250 : 600_000 } });
      const started = Date.now();
      const cpuBefore = groupCpuMs(bff.child.pid!);
      await Promise.all(campaigns.map((c) => call(`${bff.url}/api/campaigns/${c.id}/launch`, { token: c.token, body: {} })));
      let measured: { cpuMs: number; messages: number } | null = null;
      for (;;) {
        const states = await Promise.all(
          campaigns.map((c) => call(`${bff.url}/api/campaigns/${c.id}`, { token: c.token }).then((r) => r.body.campaign)),
        );
        if (options.measureFirst) {
          const out = states.reduce((n, s) => n + s.counts.sent + s.counts.delivered + s.counts.read + s.counts.failed, 0);
          if (out >= options.measureFirst) {
            measured = { cpuMs: groupCpuMs(bff.child.pid!) - cpuBefore, messages: out };
            break;
          }
        }
        if (states.every((s) => s.status === 'completed')) break;
        if (process.env.BENCH_VERBOSE)
          console.log('   …', states.map((s) => `${s.status} ${JSON.stringify(s.counts)} ${s.pausedReason ?? ''}`).join(' | '));
        if (Date.now() - started > Math.max(240_000, (perNumberCount / limit) * 3_000))
          throw new Error('dispatch did not complete in time');
        await new Promise((r) => setTimeout(r, 1_000));
      }
      const wall = (Date.now() - started) / 1000;
      const cpuMs = groupCpuMs(bff.child.pid!) - cpuBefore;
      if (measured)
        return { kind, perNumber: [], combined: NaN, wall, total: measured.messages, cpuMsPerMessage: measured.cpuMs / measured.messages };
      const perNumber = [];
      let first = Infinity;
      let last = 0;
      let total = 0;
      for (const c of campaigns) {
        const { body } = await call(`${sandbox.url}/sandbox/kaleyra/messages?from=${encodeURIComponent(c.from)}`);
        const times = (body.messages as { accepted_at: string }[]).map((m) => Date.parse(m.accepted_at)).sort((a, b) => a - b);
        let attempts = 0;
        for (let offset = 0; offset < perNumberCount; offset += 200) {
          const page = await call(`${bff.url}/api/campaigns/${c.id}/recipients?limit=200&offset=${offset}`, { token: c.token });
          for (const r of page.body.recipients as { attempts: number }[]) attempts += r.attempts;
        }
        const span = (times[times.length - 1]! - times[0]!) / 1000;
        const rate = (times.length - 1) / span;
        perNumber.push({ from: c.from, messages: times.length, span, rate, ratio: rate / limit, retries: attempts - perNumberCount });
        first = Math.min(first, times[0]!);
        last = Math.max(last, times[times.length - 1]!);
        total += times.length;
      }
      const combined = (total - 2) / ((last - first) / 1000) / (2 * limit);
      return { kind, perNumber, combined, wall, total, cpuMsPerMessage: cpuMs / total };
    },
    { kind },
  );
}

// ---- 2. CSV check -----------------------------------------------------------------------------

function writeCsv(rows: number): { file: string; dir: string } {
  const rand = prng(42);
  const dir = mkdtempSync(join(tmpdir(), 'wa-bench-'));
  const file = join(dir, 'recipients.csv');
  const lines = ['phone,name,discount'];
  const used: string[] = [];
  for (let i = 0; i < rows; i++) {
    const r = rand();
    const digits = String(Math.floor(rand() * 1e7)).padStart(7, '0');
    let phone: string;
    if (r < 0.02 && used.length)
      phone = used[Math.floor(rand() * used.length)]!; // duplicate
    else if (r < 0.05)
      phone = `12${digits}`; // invalid
    else if (r < 0.6) phone = `+48 69${digits.slice(0, 1)} ${digits.slice(1, 4)} ${digits.slice(4)}`;
    else if (r < 0.8)
      phone = `69${digits}`; // national, default country PL
    else if (r < 0.85) phone = `0048 69${digits}`;
    else if (r < 0.9) phone = `+44 7400 ${digits.slice(1)}`;
    else if (r < 0.95) phone = `+33 6 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} 1${digits.slice(6)}`;
    else phone = `+1 305 ${digits.slice(0, 3)} ${digits.slice(3)}`;
    if (used.length < 5_000 && r > 0.05) used.push(phone);
    const name = rand() < 0.1 ? '' : `Customer ${i}`;
    lines.push(`${phone},"${name}",${Math.floor(rand() * 50)}%`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, dir };
}

function child(
  mode: 'floor' | 'check' | 'both',
  file: string,
  dbUrl: string | undefined,
  runs: number,
): Promise<{ runsMs: number[]; floorMs: number[]; maxRssMb: number; lifetimeRssMb: number; result: any }> {
  const bffDir = fileURLToPath(new URL('..', import.meta.url));
  return new Promise((resolve, reject) => {
    const p = spawn(
      join(bffDir, 'node_modules', '.bin', 'tsx'),
      ['--expose-gc', 'bench/csv-child.ts', mode, file, ...(dbUrl ? [dbUrl] : [])],
      {
        cwd: bffDir,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, BENCH_RUNS: String(runs) },
      },
    );
    let out = '';
    p.stdout.on('data', (d) => (out += String(d)));
    p.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${mode} exited ${code}: ${out}`));
      resolve(JSON.parse(line));
    });
  });
}

async function benchCsv(kind: 'postgres' | 'pglite', rows = 100_000) {
  const { file, dir } = writeCsv(rows);
  let db: ChildDatabase | null = null;
  try {
    if (kind === 'postgres') db = await createChildDatabase('postgres');
    // The floor and the check take turns in one process (after a warm-up of each and a full GC before every
    // timed run), so a busy machine slows both alike; peak RSS is sampled while the check runs. A separate
    // process that only checks gives the peak of a process doing nothing else.
    const both = await child('both', file, db?.url ?? undefined, 5);
    const alone = await child('check', file, db?.url ?? undefined, 1);
    return {
      floor: { runsMs: both.floorMs },
      check: {
        runsMs: both.runsMs,
        maxRssMb: Math.max(both.maxRssMb, alone.maxRssMb),
        aloneRssMb: alone.maxRssMb,
        lifetimeRssMb: alone.lifetimeRssMb,
        result: both.result,
      },
      // Each check against the floor run just before it, then the median of those ratios.
      ratio: median(both.runsMs.map((ms, i) => ms / both.floorMs[i]!)),
    };
  } finally {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main -------------------------------------------------------------------------------------

async function main() {
  const kind = (await postgresAvailable()) ? 'postgres' : 'pglite';
  console.log(`\nWhatsApp Business for LiveChat — benchmarks (database: ${kind})\n`);
  if (process.env.BENCH_ONLY === 'request-path') return benchRequestPath(kind);
  if (process.env.BENCH_ONLY === 'ledger-page') return benchLedgerPage(kind);
  if (process.env.BENCH_ONLY === 'relay') return benchRelay(kind);

  console.log(`1. Campaign dispatch: ${2 * PER_NUMBER} recipients over 2 numbers, sandbox limit ${LIMIT}/s per number`);
  const only = process.env.BENCH_ONLY;
  for (const live of only === 'dispatch-live' ? [true] : only && only !== 'dispatch' ? [] : [false, true]) {
    console.log(
      live
        ? "   b) with Kaleyra's status callbacks live (sent, delivered, read: 3 requests per message into the same BFF)"
        : '   a) dispatch (status callbacks held back until the run is over)',
    );
    try {
      const d = await benchDispatch(kind, live);
      for (const n of d.perNumber) {
        console.log(
          `      ${n.from}: ${n.messages} messages in ${fmt(n.span, 1)} s = ${fmt(n.rate, 1)}/s → rate ÷ limit ${fmt(n.ratio, 3)} (retries after 429/5xx: ${n.retries})`,
        );
      }
      console.log(
        `      both numbers together: rate ÷ limit ${fmt(d.combined, 3)}${live ? '   (goal ≥ 0.90)' : '   (goal ≥ 0.95)'}   [load ${loadNow()}]`,
      );
    } catch (err) {
      console.log(`      could not run: ${(err as Error).message}`);
    }
  }
  const load = (await import('node:os')).loadavg();
  console.log(
    `   machine load average during the run: ${load.map((x) => fmt(x, 1)).join(' / ')} (${(await import('node:os')).cpus().length} CPUs)`,
  );

  if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === 'cost') {
    // The same pace at both sizes (250/s per number, callbacks held back): the BFF's CPU per message should not grow.
    // The first 4,000 messages of each: what one message costs while the campaign (and its tables) is that big.
    console.log(
      '\n   c) dispatch cost per message as the campaign grows (2 numbers at 250/s each, callbacks held back, first 4,000 messages)',
    );
    try {
      const small = await benchDispatch(kind, false, { perNumber: 2_500, limit: 250, measureFirst: 4_000 });
      console.log(
        `      5,000 recipients: ${small.total} messages, ${fmt(small.cpuMsPerMessage, 3)} ms BFF CPU per message, ${fmt((small.wall * 1000) / small.total, 2)} ms wall   [load ${loadNow()}]`,
      );
      const big = await benchDispatch(kind, false, { perNumber: 25_000, limit: 250, measureFirst: 4_000 });
      console.log(
        `      50,000 recipients: ${big.total} messages, ${fmt(big.cpuMsPerMessage, 3)} ms BFF CPU per message, ${fmt((big.wall * 1000) / big.total, 2)} ms wall   [load ${loadNow()}]`,
      );
      console.log(`      per-message cost 50,000 ÷ 5,000: ${fmt(big.cpuMsPerMessage / small.cpuMsPerMessage)}   (goal ≤ 1.2)`);
    } catch (err) {
      console.log(`      could not run: ${(err as Error).message}`);
    }
  }

  if ((!process.env.BENCH_ONLY || process.env.BENCH_ONLY === 'takeover') && kind === 'postgres') {
    console.log('\n3. Two instances on one campaign (3,000 recipients, 4 lanes), one killed with SIGKILL mid-campaign');
    try {
      const t = await benchTakeover();
      console.log(
        `   killed at ${fmt(t.killAtS, 1)} s with the lanes on ${t.holdersAtKill} instance(s); completed ${fmt(t.completedAfterKillS, 1)} s after the kill`,
      );
      console.log(
        `   ${t.messages} messages to ${t.recipients} recipients, refs sent twice: ${t.resentRefs}, failed: ${t.failed} (ref de-duplication off)`,
      );
      console.log(
        `   longest gap with no accepted send: ${fmt(t.gapS)} s (starting ${fmt(t.gapAfterKillS, 1)} s after the kill)   (goal ≤ 5 s)   [load ${loadNow()}]`,
      );
      console.log(
        `   without the ${t.waited} recipients sent more than once (the dead instance's claims, 429 retries; only calls in flight with no word from Kaleyra wait SEND_CONFIRM_WINDOW_SECONDS): ${fmt(t.takeoverGapS)} s (starting ${fmt(t.takeoverGapAfterKillS, 1)} s after the kill)`,
      );
    } catch (err) {
      console.log(`   could not run: ${(err as Error).message}`);
    }
  }

  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'csv') return;
  console.log('\n2. Checking a 100,000-row CSV (step 3) vs the floor (papaparse stream + libphonenumber-js/max + Set)');
  try {
    const c = await benchCsv(kind);
    console.log(`   floor: ${c.floor.runsMs.map((x) => fmt(x / 1000)).join(' / ')} s (median ${fmt(median(c.floor.runsMs) / 1000)} s)`);
    console.log(`   check: ${c.check.runsMs.map((x) => fmt(x / 1000)).join(' / ')} s (median ${fmt(median(c.check.runsMs) / 1000)} s)`);
    console.log(
      `   peak RSS while checking: ${fmt(c.check.maxRssMb, 0)} MB (a process that only checks: ${fmt(c.check.aloneRssMb, 0)} MB; its lifetime peak incl. start-up and warm-up: ${fmt(c.check.lifetimeRssMb, 0)} MB)${kind === 'pglite' ? ', PGlite included' : ''}`,
    );
    const r = c.check.result;
    console.log(
      `   report: ${r.rows} rows, ${r.valid} valid, ${r.invalid} invalid, ${r.duplicates} duplicates, ${r.optedOut} opted out, ${r.missingVariables} missing variables, ${r.alreadyOpen} already open, ${r.needed} needed`,
    );
    console.log(`   check ÷ floor (median of the rounds): ${fmt(c.ratio)}   (goal ≤ 1.3; peak RSS goal < 300 MB)   [load ${loadNow()}]`);
    const small = await benchCsv(kind, 10_000);
    const perRow = (x: { check: { runsMs: number[] } }, rows: number) => median(x.check.runsMs) / rows;
    console.log(
      `   10,000 rows: check ${fmt(median(small.check.runsMs) / 1000, 3)} s, ÷ floor ${fmt(small.ratio)}; time per row 100k ÷ 10k: ${fmt(perRow(c, 100_000) / perRow(small, 10_000))}   (goal ≤ 1.2)   [load ${loadNow()}]`,
    );
  } catch (err) {
    console.log(`   could not run: ${(err as Error).message}`);
  }
  if (!process.env.BENCH_ONLY) await benchRequestPath(kind);
  if (!process.env.BENCH_ONLY) await benchLedgerPage(kind);
  if (!process.env.BENCH_ONLY) await benchRelay(kind);
  console.log('');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(0);
  },
);
