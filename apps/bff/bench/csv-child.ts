/**
 * One side of the CSV benchmark, in its own process so its peak RSS is its own:
 *   tsx bench/csv-child.ts floor <file>
 *   tsx bench/csv-child.ts check <file> [postgres-url]
 *   tsx bench/csv-child.ts both <file> [postgres-url]     (floor and check in turns, BENCH_RUNS rounds)
 * Prints one JSON line: { runsMs, maxRssMb, ... }.
 */
import { createReadStream } from 'node:fs';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import Papa from 'papaparse';
import { createServices } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { conversations, numbers, templates } from '../src/db/schema.ts';
import { createLogger } from '../src/lib/logger.ts';
import { optOutMany } from '../src/modules/optouts/optouts.repo.ts';
import { ensureOrganization } from '../src/modules/organizations/organizations.repo.ts';

const [mode, file, dbUrl] = process.argv.slice(2);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);

/** Streams the file through papaparse and hands every phone libphonenumber-js/max finds valid to `onValid`. */
function eachValidNumber(onValid: (number: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let header = true;
    Papa.parse<string[]>(createReadStream(file!, 'utf8'), {
      chunk: (results) => {
        for (const row of results.data) {
          if (header) {
            header = false;
            continue;
          }
          const p = parsePhoneNumberFromString(row[0] ?? '', 'PL');
          if (p?.isValid()) onValid(p.number);
        }
      },
      complete: () => resolve(),
      error: reject,
    });
  });
}

/** The floor: papaparse over the stream, libphonenumber-js/max validation of each phone, a Set for duplicates. */
async function floor(): Promise<{ valid: number; duplicates: number }> {
  const seen = new Set<string>();
  let valid = 0;
  let duplicates = 0;
  await eachValidNumber((number) => {
    if (seen.has(number)) duplicates++;
    else {
      seen.add(number);
      valid++;
    }
  });
  return { valid, duplicates };
}

/** Peak resident memory while `fn` runs, sampled every 10 ms, after a full GC (the warm-up's garbage is gone). */
async function measured<T>(fn: () => Promise<T>): Promise<{ ms: number; rssMb: number; value: T }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - t, rssMb: Math.max(peak, process.memoryUsage().rss) / 1024 / 1024, value };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  const runsMs: number[] = [];
  const rssMb: number[] = [];
  let result: unknown = null;
  const floorMs: number[] = [];
  if (mode === 'floor') {
    await floor(); // warm-up
    for (let i = 0; i < RUNS; i++) {
      const m = await measured(floor);
      runsMs.push(m.ms);
      rssMb.push(m.rssMb);
      result = m.value;
    }
  } else {
    const database = await openDatabase({ url: dbUrl || undefined });
    const config = parseConfig({
      LIVECHAT_CLIENT_ID: 'bench',
      KALEYRA_SID: 'bench',
      KALEYRA_API_KEY: 'bench',
      APP_WEBHOOK_SECRET: 'bench-app-webhook-secret-0123456789',
      LOG_LEVEL: 'silent',
    });
    const log = createLogger('silent');
    const unused = () => Promise.reject(new Error('not used by the check'));
    const services = createServices({
      config,
      database,
      log,
      accounts: { tokenInfo: unused, me: unused },
      kaleyra: { send: unused, listTemplates: unused, createTemplate: unused } as never,
    });
    const org = await ensureOrganization(database.db, `bench-org-${process.pid}-${Date.now()}`);
    const [number] = await database.db
      .insert(numbers)
      .values({
        organizationId: org.id,
        number: '+48221234567',
        displayName: 'Bench',
        apiVersion: 'v2',
        wabaId: 'waba-bench',
        planStatus: 'active',
      })
      .returning();
    const [template] = await database.db
      .insert(templates)
      .values({
        numberId: number!.id,
        name: 'spring_sale',
        language: 'en_US',
        category: 'marketing',
        status: 'approved',
        body: 'Hello {{1}}! Our spring sale starts today: {{2}} off everything.',
        header: null,
        footer: null,
        buttons: [],
        syncedAt: new Date(),
      })
      .returning();
    // Some opted-out customers and some open conversations, so both look-ups find something.
    const sample = (await floorNumbers()).slice(0, 2_000);
    await optOutMany(
      database.db,
      org.id,
      sample.slice(0, 1_000).map((recipient) => ({ recipient, reason: null })),
      'import',
      null,
    );
    const now = new Date();
    await database.db.insert(conversations).values(
      sample.slice(1_000).map((recipient) => ({
        organizationId: org.id,
        numberId: number!.id,
        recipient,
        category: 'marketing' as const,
        openedAt: now,
        expiresAt: new Date(now.getTime() + 86_400_000),
        cost: 1,
      })),
    );
    const settings = {
      name: 'bench',
      numberId: number!.id,
      templateName: 'spring_sale',
      language: 'en_US',
      phoneColumn: 'phone',
      variableColumns: ['name', 'discount'],
      timeZoneColumn: null,
      defaultCountry: 'PL',
      fallbacks: ['there', '10%'],
    };
    const check = () => services.campaigns.check(org, number!, template!, settings, createReadStream(file!));
    await check(); // warm-up
    if (mode === 'both') await floor();
    for (let i = 0; i < RUNS; i++) {
      // 'both': the floor and the check take turns in one process, so a busy machine slows both alike.
      if (mode === 'both') floorMs.push((await measured(floor)).ms);
      const m = await measured(check);
      runsMs.push(m.ms);
      rssMb.push(m.rssMb);
      result = { ...m.value.report, rejected: m.value.rejected.length };
    }
    await database.close();
  }
  // Peak while checking (after the warm-up's garbage was collected), and the process's lifetime peak.
  const maxRssMb = Math.max(...rssMb);
  const lifetimeRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ mode, runsMs, floorMs, maxRssMb, lifetimeRssMb, result }));
}

/** Valid numbers of the file (for seeding the look-ups). */
async function floorNumbers(): Promise<string[]> {
  const out: string[] = [];
  await eachValidNumber((number) => {
    if (out.length < 5_000) out.push(number);
  });
  return [...new Set(out)];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
