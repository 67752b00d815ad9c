import { call } from '../src/test/process-kit.ts';

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
  const settings = {
    name: o.name,
    numberId: o.numberId,
    templateName: 'order_shipped',
    language: 'en_US',
    phoneColumn: 'phone',
    variableColumns: ['name', 'order', null],
    timeZoneColumn: null,
    defaultCountry: 'PL',
    fallbacks: ['', '', 'Friday'],
  };
  const created = await call(`${bffUrl}/api/campaigns?settings=${encodeURIComponent(JSON.stringify(settings))}`, { token, csv });
  if (created.status !== 201) throw new Error(`upload failed: ${JSON.stringify(created.body)}`);
  return created.body.campaign.id as string;
}
