import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { csvOf, customer, handedOver, poll, uploadPath } from '../../test/campaign-test-kit.ts';
import {
  call,
  createChildDatabase,
  ownerToken,
  startBffProcess,
  startSandboxProcess,
  type ChildDatabase,
  type Proc,
} from '../../test/process-kit.ts';

// Whole stacks (BFF, sandbox, pg-boss workers) per suite: generous limits for a busy machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * The BFF as production runs it, in a child process: killed with SIGKILL in the middle of a campaign (no
 * shutdown hook runs), then started again on the same database. Every campaign must complete, and Kaleyra
 * (the sandbox, in its own process) must have received at most one message per recipient.
 *
 * Kaleyra documents `ref` as a tracking field, not an idempotency key: the sandbox's ref de-duplication is off
 * here, so a message sent twice with the same ref would reach the customer twice and be counted. Sends whose
 * outcome the dead process never recorded must be settled from Kaleyra's status callbacks (which the sandbox
 * retries while the BFF is down, as webhook senders do), not by sending again. The long claim timeout is set
 * far beyond the test: the takeover must come from the dead process's lease lapsing.
 */

const ACME = '8c1f2a4e-6b0d-4c1e-9a57-00000000ac01'; // v2 number
const BISTRO = '3d7e9b10-2f4a-4b8c-8e21-00000000b157'; // v1 number
const CALLBACK_RETRY_SECONDS = 30;
const FAST_RECOVERY = {
  CAMPAIGN_CLAIM_TIMEOUT_MS: '600000',
  KALEYRA_TIMEOUT_MS: '3000',
  CAMPAIGN_NUMBER_RATE_PER_SECOND: '25',
  // Longer than the callbacks are retried, so whatever Kaleyra accepted is heard of before anything is resent.
  SEND_CONFIRM_WINDOW_SECONDS: String(CALLBACK_RETRY_SECONDS + 10),
};
const noDedupe = { dedupeRefs: false, callbackRetrySeconds: CALLBACK_RETRY_SECONDS };

/** Refs Kaleyra received more than once: each is a message that reached its customer twice. */
function resentRefs(messages: { ref?: string }[]): string[] {
  const seen = new Map<string, number>();
  for (const m of messages) if (m.ref) seen.set(m.ref, (seen.get(m.ref) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([ref]) => ref);
}

interface Launched {
  id: string;
  token: string;
  recipients: string[];
  from: string;
}

async function launchCampaign(bff: Proc, sandboxUrl: string, org: string, size: number): Promise<Launched> {
  const token = await ownerToken(sandboxUrl, org);
  const number = (await call(`${bff.url}/api/numbers`, { token })).body.numbers[0];
  const recipients = Array.from({ length: size }, () => customer());
  const created = await call(`${bff.url}${uploadPath({ name: 'Fault test', numberId: number.id })}`, {
    token,
    csv: csvOf(recipients.map((p, i) => [p, `N${i}`, `O${i}`])),
  });
  expect(created.status).toBe(201);
  const id = created.body.campaign.id as string;
  expect((await call(`${bff.url}/api/campaigns/${id}/launch`, { token, body: {} })).status).toBe(200);
  return { id, token, recipients, from: number.number };
}

describe.each(DB_KINDS)('a BFF killed with SIGKILL mid-campaign, on %s', (kind) => {
  let sandbox: Proc;
  let db: ChildDatabase;
  let bff: Proc | null = null;

  beforeAll(async () => {
    sandbox = await startSandboxProcess({ callbackDelayMs: 50, ...noDedupe });
    db = await createChildDatabase(kind);
  }, 120_000);
  afterAll(async () => {
    await bff?.kill('SIGKILL');
    await sandbox?.kill('SIGKILL');
    await db?.drop();
  });

  it('restarts, resumes and completes both campaigns (v2 and v1) with no message sent twice, and none lost on v2', async () => {
    bff = await startBffProcess({ sandboxUrl: sandbox.url, database: db, env: FAST_RECOVERY });
    const port = bff.port;
    const v2 = await launchCampaign(bff, sandbox.url, ACME, 150);
    const v1 = await launchCampaign(bff, sandbox.url, BISTRO, 150);

    // Kill in the middle: some recipients handed over, many not.
    await poll(
      () => call(`${bff!.url}/api/campaigns/${v2.id}`, { token: v2.token }).then((r) => r.body.campaign),
      (c) => handedOver(c) >= 40,
      60_000,
    );
    await bff.kill('SIGKILL');
    // Really gone: nothing answers on its port until the new process starts.
    await expect(fetch(`${bff.url}/api/health`)).rejects.toThrow();
    const { body: atKill } = await call(`${sandbox.url}/sandbox/kaleyra/messages`);
    const sentBeforeKill = atKill.messages.length;
    expect(sentBeforeKill).toBeGreaterThan(0);

    bff = await startBffProcess({ sandboxUrl: sandbox.url, database: db, port, seed: false, env: FAST_RECOVERY });
    const results = [];
    for (const c of [v2, v1]) {
      const done = await poll(
        () => call(`${bff!.url}/api/campaigns/${c.id}`, { token: c.token }).then((r) => r.body.campaign),
        (x) => x.status === 'completed',
        240_000,
      );
      results.push(done);
      // Every recipient ended in exactly one terminal state.
      expect(done.counts.pending + done.counts.sending).toBe(0);
      expect(
        done.counts.sent + done.counts.delivered + done.counts.read + done.counts.failed + done.counts.skipped + done.counts.cancelled,
      ).toBe(150);
      expect(done.reserved).toBe(0);
    }
    const { body } = await call(`${sandbox.url}/sandbox/kaleyra/messages`);
    expect(resentRefs(body.messages)).toEqual([]);
    const perRecipient = new Map<string, number>();
    for (const m of body.messages as { to: string }[]) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    // No duplicate, for either API version.
    for (const r of [...v2.recipients, ...v1.recipients]) expect(perRecipient.get(r) ?? 0, r).toBeLessThanOrEqual(1);
    // v2: everyone got exactly one message (a lost answer is settled from the callbacks, an unsent one sent).
    for (const r of v2.recipients) expect(perRecipient.get(r), r).toBe(1);
    expect(results[0].counts.failed).toBe(0);
    // v1: a recipient whose call had started but whose answer was not recorded before the kill (and whose
    // callbacks went to the dead process) stays `unconfirmed` and is never sent again; everyone else got exactly
    // one message. (How many are unconfirmed depends on how far recording lagged when the process died.)
    const v1Failed = (await call(`${bff.url}/api/campaigns/${v1.id}/recipients?status=failed&limit=200`, { token: v1.token })).body
      .recipients as any[];
    for (const f of v1Failed) expect(f.reasonCode).toBe('unconfirmed');
    expect(v1Failed.length).toBeLessThan(150);
    for (const r of v1.recipients) if (!v1Failed.some((f) => f.recipient === r)) expect(perRecipient.get(r), r).toBe(1);
  }, 420_000);
});

describe.each(DB_KINDS.filter((k) => k === 'postgres'))('two BFF instances on one %s', (kind) => {
  let sandbox: Proc;
  let db: ChildDatabase;
  const instances: Proc[] = [];

  beforeAll(async () => {
    // Kaleyra's own counter at the number's limit: whatever slips past our pace is refused (429) and retried.
    sandbox = await startSandboxProcess({ callbackDelayMs: 50, rateLimitPerSecond: 40, ...noDedupe });
    db = await createChildDatabase(kind);
  }, 120_000);
  afterAll(async () => {
    for (const p of instances) await p.kill('SIGKILL');
    await sandbox?.kill('SIGKILL');
    await db?.drop();
  });

  it('dispatch one campaign together, lanes spread, under one pace, with no duplicate; the survivor takes over', async () => {
    const env = { ...FAST_RECOVERY, CAMPAIGN_NUMBER_RATE_PER_SECOND: '40', CAMPAIGN_DISPATCH_LANES: '4' };
    const a = await startBffProcess({ sandboxUrl: sandbox.url, database: db, env });
    instances.push(a);
    // Kaleyra calls back through "the load balancer": here, instance A.
    const b = await startBffProcess({ sandboxUrl: sandbox.url, database: db, seed: false, publicBaseUrl: a.url, env });
    instances.push(b);
    const c = await launchCampaign(b, sandbox.url, ACME, 300);
    // The campaign's lanes run on both instances: while it runs, each holds some of their leases. Holders are
    // gathered over the whole run (a lane can pass from one instance to the other between two looks).
    const pool = new pg.Pool({ connectionString: db.url!, max: 1 });
    const seen = new Set<string>();
    try {
      await poll(
        async () => {
          const { rows } = await pool.query<{ holder: string }>(
            `select distinct holder from dispatch_leases where key like $1 and expires_at > $2::float8`,
            [`lane:${c.id}:%`, Date.now()],
          );
          for (const r of rows) seen.add(r.holder);
          return [...seen];
        },
        (h) => h.length >= 2,
        60_000,
        100,
      ).catch(async (err) => {
        const leases = (await pool.query(`select key, holder, expires_at, $1::float8 as now from dispatch_leases`, [Date.now()])).rows;
        const camp = (await pool.query(`select status, heartbeat_at, wake_at from campaigns where id = $1`, [c.id])).rows;
        const recips = (await pool.query(`select status, count(*) from campaign_recipients where campaign_id = $1 group by status`, [c.id]))
          .rows;
        const jobs = (await pool.query(`select name, state, count(*) from pgboss.job group by name, state`).catch(() => ({ rows: [] })))
          .rows;
        throw new Error(`${err.message}\n${JSON.stringify({ leases, camp, recips, jobs, a: a.url, b: b.url })}`);
      });
      expect(seen.size).toBe(2);
    } finally {
      await pool.end();
    }
    // Both answer for the same campaign while it runs.
    await poll(
      () => call(`${a.url}/api/campaigns/${c.id}`, { token: c.token }).then((r) => r.body.campaign),
      (x) => handedOver(x) >= 100,
      60_000,
    );
    await b.kill('SIGKILL');
    await expect(fetch(`${b.url}/api/health`)).rejects.toThrow();
    const done = await poll(
      () => call(`${a.url}/api/campaigns/${c.id}`, { token: c.token }).then((r) => r.body.campaign),
      (x) => x.status === 'completed',
      240_000,
    );
    expect(done.counts.failed).toBe(0);
    expect(done.reserved).toBe(0);
    const { body } = await call(`${sandbox.url}/sandbox/kaleyra/messages?from=${encodeURIComponent(c.from)}`);
    const to = (body.messages as { to: string; accepted_at: string; ref?: string }[]).filter((m) => c.recipients.includes(m.to));
    expect(resentRefs(to)).toEqual([]);
    expect(to).toHaveLength(300);
    expect(new Set(to.map((m) => m.to)).size).toBe(300);
    // One pace for the number across both instances: Kaleyra's limiter had little to refuse (two instances
    // pacing alone would send twice the limit, and about 300 attempts would meet a 429). A starved machine
    // bunches some sends, hence the allowance.
    const all = [];
    for (let offset = 0; offset < 300; offset += 200) {
      all.push(...(await call(`${a.url}/api/campaigns/${c.id}/recipients?limit=200&offset=${offset}`, { token: c.token })).body.recipients);
    }
    const retried = all.reduce((n: number, r: { attempts: number }) => n + r.attempts - 1, 0);
    expect(retried).toBeLessThanOrEqual(90);
    const times = to.map((m) => Date.parse(m.accepted_at));
    const span = (Math.max(...times) - Math.min(...times)) / 1000;
    expect(span).toBeGreaterThan(299 / 40 - 0.5);
  }, 420_000);
});
