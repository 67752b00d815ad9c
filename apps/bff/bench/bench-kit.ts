import { call, createChildDatabase, startBffProcess, startSandboxProcess, type ChildDatabase, type Proc } from '../src/test/process-kit.ts';
import { uploadPath } from '../src/test/campaign-test-kit.ts';

/** The seeded business most benches send from (dev seed). */
export const ACME = '8c1f2a4e-6b0d-4c1e-9a57-00000000ac01';
/** The sandbox's per-number send limit the dispatch benches run against. */
export const LIMIT = 80;

/** The bench's own limit on the per-organization API rate, so its polling is never what it measures. */
export const BENCH_ENV = { RATE_LIMIT_PER_MINUTE: '10000000' };

/** Deterministic pseudo-random numbers (mulberry32), so every run checks the same file. */
export function prng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Uploads a campaign of the seeded `order_shipped` template to `recipients` distinct mobile numbers drawn from
 * `rand`, so every run sends to the same file; returns its id.
 */
export async function uploadBenchCampaign(
  bffUrl: string,
  token: string,
  o: { numberId: string; name: string; recipients: number; rand: () => number },
): Promise<string> {
  const seen = new Set<string>();
  while (seen.size < o.recipients) seen.add(`+4869${String(Math.floor(o.rand() * 1e7)).padStart(7, '0')}`);
  const csv = ['phone,name,order', ...[...seen].map((p, i) => `${p},Customer ${i},#${100000 + i}`)].join('\n');
  const settings = { name: o.name, numberId: o.numberId, fallbacks: ['', '', 'Friday'] };
  const created = await call(`${bffUrl}${uploadPath(settings)}`, { token, csv });
  if (created.status !== 201) throw new Error(`upload failed: ${JSON.stringify(created.body)}`);
  return created.body.campaign.id as string;
}

export interface BenchProcesses {
  sandbox: Proc;
  db: ChildDatabase;
  /** Starts a BFF on the sandbox and the database; it is stopped with the rest. */
  startBff(options?: Omit<Parameters<typeof startBffProcess>[0], 'sandboxUrl' | 'database'>): Promise<Proc>;
}

/**
 * Runs `body` against a sandbox process and a fresh database, then stops every process it started (the newest
 * first, with `signal`) and drops the database, whether `body` finished or threw.
 */
export async function withBenchProcesses<T>(
  sandboxOptions: Parameters<typeof startSandboxProcess>[0],
  body: (p: BenchProcesses) => Promise<T>,
  o: { kind?: 'postgres' | 'pglite'; signal?: NodeJS.Signals } = {},
): Promise<T> {
  const procs: Proc[] = [];
  let db: ChildDatabase | null = null;
  try {
    const sandbox = await startSandboxProcess(sandboxOptions);
    procs.push(sandbox);
    const database = (db = await createChildDatabase(o.kind ?? 'postgres'));
    const startBff: BenchProcesses['startBff'] = async (options = {}) => {
      const bff = await startBffProcess({ sandboxUrl: sandbox.url, database, ...options });
      procs.push(bff);
      return bff;
    };
    return await body({ sandbox, db: database, startBff });
  } finally {
    for (const p of procs.reverse()) await p.kill(o.signal ?? 'SIGTERM');
    await db?.drop();
  }
}
