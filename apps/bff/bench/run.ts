/**
 * `pnpm bench`: prints figures, fails nothing.
 *
 * 1. Campaign dispatch: 5,000 recipients over 2 numbers (Acme v2, Bistro v1), the sandbox limiting each number
 *    to 80 accepted sends per rolling second. Figure: achieved rate ÷ limit (goal ≥ 0.95).
 * 2. Checking a 100,000-row CSV (all of step 3) against a floor pass over the same file (papaparse stream,
 *    libphonenumber-js/max validation, a Set for duplicates). Figures: ratio (goal ≤ 1.3) and peak RSS of
 *    the check's process (goal < 300 MB).
 *
 * Everything runs as real processes (sandbox, BFF) on PostgreSQL when one answers at TEST_DATABASE_URL or
 * 127.0.0.1:5432, else on PGlite. BENCH_ONLY=dispatch|csv runs one part; BENCH_PER_NUMBER changes the size.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  call,
  createChildDatabase,
  ownerToken,
  postgresAvailable,
  startBffProcess,
  startSandboxProcess,
  type ChildDatabase,
  type Proc,
} from '../src/modules/campaigns/process-kit.ts';

const ACME = '8c1f2a4e-6b0d-4c1e-9a57-00000000ac01';
const BISTRO = '3d7e9b10-2f4a-4b8c-8e21-00000000b157';
const LIMIT = 80;
const PER_NUMBER = Number(process.env.BENCH_PER_NUMBER ?? 2_500);

/** Deterministic pseudo-random numbers (mulberry32), so every run checks the same file. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---- 1. dispatch ------------------------------------------------------------------------------

async function benchDispatch(kind: 'postgres' | 'pglite', liveCallbacks: boolean) {
  const procs: Proc[] = [];
  let db: ChildDatabase | null = null;
  try {
    const sandbox = await startSandboxProcess({ rateLimitPerSecond: LIMIT, callbackDelayMs: 250 });
    procs.push(sandbox);
    db = await createChildDatabase(kind);
    // On PGlite the bench cannot credit the balance from outside the BFF: utility conversations are made free.
    const bff = await startBffProcess({
      sandboxUrl: sandbox.url,
      database: db,
      // The numbers pay for the Full plan, whose 80 messages per second match the limit measured against.
      env: { DEV_SEED_PLAN: 'full', ...(kind === 'pglite' ? { CHARGED_CATEGORIES: 'marketing,authentication,service' } : {}) },
    });
    procs.push(bff);
    if (db.url) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      for (const org of [ACME, BISTRO]) {
        await client.query(`insert into ledger_entries (organization_id, delta, reason, idempotency_key, reference) values ($1, $2, 'operator_credit', $3, 'bench')`, [
          org,
          PER_NUMBER + 100,
          `${org}:bench-credit`,
        ]);
      }
      await client.end();
    }
    const rand = prng(7);
    const campaigns: { id: string; token: string; from: string; org: string }[] = [];
    for (const org of [ACME, BISTRO]) {
      const token = await ownerToken(sandbox.url, org);
      const number = (await call(`${bff.url}/api/numbers`, { token })).body.numbers[0];
      const seen = new Set<string>();
      while (seen.size < PER_NUMBER) seen.add(`+4869${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`);
      const csv = ['phone,name,order', ...[...seen].map((p, i) => `${p},Customer ${i},#${100000 + i}`)].join('\n');
      const settings = { name: 'Bench', numberId: number.id, templateName: 'order_shipped', language: 'en_US', phoneColumn: 'phone', variableColumns: ['name', 'order', null], timeZoneColumn: null, defaultCountry: 'PL', fallbacks: ['', '', 'Friday'] };
      const created = await call(`${bff.url}/api/campaigns?settings=${encodeURIComponent(JSON.stringify(settings))}`, { token, csv });
      if (created.status !== 201) throw new Error(`upload failed: ${JSON.stringify(created.body)}`);
      campaigns.push({ id: created.body.campaign.id, token, from: number.number, org });
    }
    // Kaleyra's sent/delivered/read callbacks (3 per message) either come live, or only after the run, so the
    // figure shows the pace of dispatch itself.
    await call(`${sandbox.url}/sandbox/kaleyra/config`, { body: { callback_delay_ms: liveCallbacks ? 250 : 600_000 } });
    const started = Date.now();
    await Promise.all(campaigns.map((c) => call(`${bff.url}/api/campaigns/${c.id}/launch`, { token: c.token, body: {} })));
    for (;;) {
      const states = await Promise.all(campaigns.map((c) => call(`${bff.url}/api/campaigns/${c.id}`, { token: c.token }).then((r) => r.body.campaign)));
      if (states.every((s) => s.status === 'completed')) break;
      if (process.env.BENCH_VERBOSE) console.log('   …', states.map((s) => `${s.status} ${JSON.stringify(s.counts)} ${s.pausedReason ?? ''}`).join(' | '));
      if (Date.now() - started > 240_000) throw new Error('dispatch did not complete in 4 minutes');
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const wall = (Date.now() - started) / 1000;
    const perNumber = [];
    let first = Infinity;
    let last = 0;
    let total = 0;
    for (const c of campaigns) {
      const { body } = await call(`${sandbox.url}/sandbox/kaleyra/messages?from=${encodeURIComponent(c.from)}`);
      const times = (body.messages as { accepted_at: string }[]).map((m) => Date.parse(m.accepted_at)).sort((a, b) => a - b);
      let attempts = 0;
      for (let offset = 0; offset < PER_NUMBER; offset += 200) {
        const page = await call(`${bff.url}/api/campaigns/${c.id}/recipients?limit=200&offset=${offset}`, { token: c.token });
        for (const r of page.body.recipients as { attempts: number }[]) attempts += r.attempts;
      }
      const span = (times[times.length - 1]! - times[0]!) / 1000;
      const rate = (times.length - 1) / span;
      perNumber.push({ from: c.from, messages: times.length, span, rate, ratio: rate / LIMIT, retries: attempts - PER_NUMBER });
      first = Math.min(first, times[0]!);
      last = Math.max(last, times[times.length - 1]!);
      total += times.length;
    }
    const combined = (total - 2) / ((last - first) / 1000) / (2 * LIMIT);
    return { kind, perNumber, combined, wall };
  } finally {
    for (const p of procs.reverse()) await p.kill('SIGTERM');
    await db?.drop();
  }
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
    if (r < 0.02 && used.length) phone = used[Math.floor(rand() * used.length)]!; // duplicate
    else if (r < 0.05) phone = `12${digits}`; // invalid
    else if (r < 0.6) phone = `+48 69${digits.slice(0, 1)} ${digits.slice(1, 4)} ${digits.slice(4)}`;
    else if (r < 0.8) phone = `69${digits}`; // national, default country PL
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
    const p = spawn(join(bffDir, 'node_modules', '.bin', 'tsx'), ['--expose-gc', 'bench/csv-child.ts', mode, file, ...(dbUrl ? [dbUrl] : [])], {
      cwd: bffDir,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_RUNS: String(runs) },
    });
    let out = '';
    p.stdout.on('data', (d) => (out += String(d)));
    p.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${mode} exited ${code}: ${out}`));
      resolve(JSON.parse(line));
    });
  });
}

async function benchCsv(kind: 'postgres' | 'pglite') {
  const { file, dir } = writeCsv(100_000);
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

  console.log(`1. Campaign dispatch: ${2 * PER_NUMBER} recipients over 2 numbers, sandbox limit ${LIMIT}/s per number`);
  for (const live of process.env.BENCH_ONLY === 'csv' ? [] : [false, true]) {
    console.log(live ? '   b) with Kaleyra\'s status callbacks live (sent, delivered, read: 3 requests per message into the same BFF)' : '   a) dispatch (status callbacks held back until the run is over)');
    try {
      const d = await benchDispatch(kind, live);
      for (const n of d.perNumber) {
        console.log(`      ${n.from}: ${n.messages} messages in ${fmt(n.span, 1)} s = ${fmt(n.rate, 1)}/s → rate ÷ limit ${fmt(n.ratio, 3)} (retries after 429/5xx: ${n.retries})`);
      }
      console.log(`      both numbers together: rate ÷ limit ${fmt(d.combined, 3)}${live ? '' : '   (goal ≥ 0.95)'}`);
    } catch (err) {
      console.log(`      could not run: ${(err as Error).message}`);
    }
  }
  const load = (await import('node:os')).loadavg();
  console.log(`   machine load average during the run: ${load.map((x) => fmt(x, 1)).join(' / ')} (${(await import('node:os')).cpus().length} CPUs)`);

  if (process.env.BENCH_ONLY === 'dispatch') return;
  console.log('\n2. Checking a 100,000-row CSV (step 3) vs the floor (papaparse stream + libphonenumber-js/max + Set)');
  try {
    const c = await benchCsv(kind);
    console.log(`   floor: ${c.floor.runsMs.map((x) => fmt(x / 1000)).join(' / ')} s (median ${fmt(median(c.floor.runsMs) / 1000)} s)`);
    console.log(`   check: ${c.check.runsMs.map((x) => fmt(x / 1000)).join(' / ')} s (median ${fmt(median(c.check.runsMs) / 1000)} s)`);
    console.log(
      `   peak RSS while checking: ${fmt(c.check.maxRssMb, 0)} MB (a process that only checks: ${fmt(c.check.aloneRssMb, 0)} MB; its lifetime peak incl. start-up and warm-up: ${fmt(c.check.lifetimeRssMb, 0)} MB)${kind === 'pglite' ? ', PGlite included' : ''}`,
    );
    const r = c.check.result;
    console.log(`   report: ${r.rows} rows, ${r.valid} valid, ${r.invalid} invalid, ${r.duplicates} duplicates, ${r.optedOut} opted out, ${r.missingVariables} missing variables, ${r.alreadyOpen} already open, ${r.needed} needed`);
    console.log(`   check ÷ floor (median of the rounds): ${fmt(c.ratio)}   (goal ≤ 1.3; peak RSS goal < 300 MB)`);
  } catch (err) {
    console.log(`   could not run: ${(err as Error).message}`);
  }
  console.log('');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(0);
  },
);
