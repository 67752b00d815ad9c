import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { csvOf, customer, handedOver, poll, uploadPath } from './campaign-test-kit.ts';
import { call, createChildDatabase, freePort, ownerToken, SANDBOX_DEFAULTS, type ChildDatabase } from './process-kit.ts';
import { DB_KINDS } from './test-db.ts';
import { buildProduct, logLines, startBuiltSandbox, startNode, type Build, type NodeProc } from './production-kit.ts';

vi.setConfig({ testTimeout: 420_000, hookTimeout: 120_000 });

/**
 * SIGTERM in the middle of a campaign, on the built BFF: the instance stops taking work, settles every message
 * it handed to Kaleyra, hands the campaign over through the queue and exits 0 within SHUTDOWN_TIMEOUT_MS. Nothing
 * is left `sending`, and another instance on the same PostgreSQL completes the campaign. No recipient gets two
 * messages, and every one gets exactly one, on both API versions; the only exception is a v1 send whose answer the
 * network lost (v1 has no idempotency ref): it ends `unconfirmed` and is never sent again.
 */

const ACME = '8c1f2a4e-6b0d-4c1e-9a57-00000000ac01'; // v2 number
const BISTRO = '3d7e9b10-2f4a-4b8c-8e21-00000000b157'; // v1 number
const SIZE = 120;

interface Launched {
  id: string;
  token: string;
  recipients: string[];
}

/** A 503 (an upstream check that timed out on a busy machine) happens before any effect: ask again. */
async function call503<T = any>(url: string, init: Parameters<typeof call>[1] = {}) {
  for (let i = 0; ; i++) {
    const r = await call<T>(url, init);
    if (r.status !== 503 || i >= 5) return r;
    await new Promise((res) => setTimeout(res, 500));
  }
}

async function launchCampaign(bffUrl: string, sandboxUrl: string, org: string): Promise<Launched> {
  const token = await ownerToken(sandboxUrl, org);
  const numbers = await call503(`${bffUrl}/api/numbers`, { token });
  expect(numbers.status, JSON.stringify(numbers.body)).toBe(200);
  const number = numbers.body.numbers[0];
  const recipients = Array.from({ length: SIZE }, () => customer());
  const created = await call503(`${bffUrl}${uploadPath({ name: 'Shutdown test', numberId: number.id })}`, {
    token,
    csv: csvOf(recipients.map((p, i) => [p, `N${i}`, `O${i}`])),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.campaign.id as string;
  expect((await call503(`${bffUrl}/api/campaigns/${id}/launch`, { token, body: {} })).status).toBe(200);
  return { id, token, recipients };
}

// PostgreSQL, where several instances share the work. (On PGlite the same shutdown runs; its restart after a
// crash is covered by the fault test, and three embedded-database starts would add minutes to the suite.)
describe.each(DB_KINDS.filter((k) => k === 'postgres'))('SIGTERM in the middle of a campaign, on %s', (kind) => {
  let build: Build;
  let db: ChildDatabase;
  let sandbox: NodeProc;
  const procs: NodeProc[] = [];

  beforeAll(async () => {
    build = buildProduct();
    sandbox = await startBuiltSandbox(build);
    db = await createChildDatabase(kind);
  });
  afterAll(async () => {
    for (const p of procs) await p.stop('SIGKILL');
    await sandbox?.stop('SIGKILL');
    await db?.drop();
    build?.remove();
  });

  async function bff(port: number, env: Record<string, string>): Promise<NodeProc> {
    const p = await startNode(
      build.bffMain,
      {
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        LIVECHAT_ACCOUNTS_URL: sandbox.url,
        LIVECHAT_BILLING_URL: sandbox.url,
        KALEYRA_BASE_URL: sandbox.url,
        LIVECHAT_CLIENT_ID: SANDBOX_DEFAULTS.clientId,
        KALEYRA_SID: SANDBOX_DEFAULTS.sid,
        KALEYRA_API_KEY: SANDBOX_DEFAULTS.apiKey,
        APP_WEBHOOK_SECRET: 'shutdown-test-app-webhook-secret-0123456789',
        CAMPAIGN_NUMBER_RATE_PER_SECOND: '10',
        CAMPAIGN_CLAIM_TIMEOUT_MS: '4000',
        SHUTDOWN_TIMEOUT_MS: '8000',
        // A send whose answer was lost to the network (a busy machine resets connections) settles from the status
        // callbacks, or after this window: v2 asks again with the same ref, v1 ends `unconfirmed`, never resent.
        SEND_CONFIRM_WINDOW_SECONDS: '15',
        ...db.env,
        ...env,
      },
      port,
      '/api/ready',
    );
    procs.push(p);
    return p;
  }

  it('leaves nothing sending, sends nothing twice, and the campaign completes elsewhere', async () => {
    const port = await freePort();
    const first = await bff(port, { WORKERS: 'true', DEV_SEED_SANDBOX_URL: sandbox.url });
    const v2 = await launchCampaign(first.url, sandbox.url, ACME);
    const v1 = await launchCampaign(first.url, sandbox.url, BISTRO);
    // The campaign launched last is the one surely under way (on a busy machine the first may be done already).
    await poll(
      () => call503(`${first.url}/api/campaigns/${v1.id}`, { token: v1.token }).then((r) => r.body.campaign),
      (c) => handedOver(c) >= 10,
      60_000,
    );

    const { code } = await first.stop('SIGTERM');
    // 0: everything finished within SHUTDOWN_TIMEOUT_MS (past it the process exits 1).
    expect(code, first.logs.join('').slice(-3000)).toBe(0);
    const messages = logLines(first).map((l) => l.msg);
    expect(messages).toContain('shut down');
    expect(messages).not.toContain('shutdown did not finish in time; exiting');

    // A web-only instance (WORKERS=false) reads the state the stopped one left: nothing in flight, work remaining.
    const reader = await bff(await freePort(), { WORKERS: 'false' });
    const ready = await call(`${reader.url}/api/ready`);
    expect(ready.body.checks.queue).toBe('not_run_here');
    let remaining = 0;
    for (const c of [v2, v1]) {
      const { body } = await call503(`${reader.url}/api/campaigns/${c.id}`, { token: c.token });
      const counts = JSON.stringify(body.campaign.counts);
      expect(body.campaign.counts.sending, counts).toBe(0);
      expect(['running', 'completed'], counts).toContain(body.campaign.status);
      remaining += body.campaign.counts.pending;
    }
    expect(remaining).toBeGreaterThan(0);
    const { code: readerCode } = await reader.stop('SIGTERM');
    expect(readerCode).toBe(0);

    // Another worker instance on the same database finishes the job.
    const next = await bff(port, { WORKERS: 'true' });
    for (const c of [v2, v1]) {
      const done = await poll(
        () => call503(`${next.url}/api/campaigns/${c.id}`, { token: c.token }).then((r) => r.body.campaign),
        (x) => x.status === 'completed',
        150_000,
      );
      expect(done.counts.pending + done.counts.sending + done.counts.confirming).toBe(0);
      expect(done.counts.sent + done.counts.delivered + done.counts.read + done.counts.failed).toBe(SIZE);
      expect(done.reserved).toBe(0);
    }
    const v2Done = (await call503(`${next.url}/api/campaigns/${v2.id}`, { token: v2.token })).body.campaign;
    expect(v2Done.counts.failed).toBe(0);
    // v1 has no idempotency ref: a send whose answer never came is `unconfirmed` and never sent again.
    const v1Failed = (await call503(`${next.url}/api/campaigns/${v1.id}/recipients?status=failed&limit=200`, { token: v1.token })).body
      .recipients as { recipient: string; reasonCode: string }[];
    for (const f of v1Failed) expect(f.reasonCode).toBe('unconfirmed');
    const { body } = await call(`${sandbox.url}/sandbox/kaleyra/messages`);
    const perRecipient = new Map<string, number>();
    for (const m of body.messages as { to: string }[]) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    for (const r of [...v2.recipients, ...v1.recipients]) {
      const seen = JSON.stringify((body.messages as { to: string }[]).filter((m) => m.to === r));
      const unconfirmed = v1Failed.some((f) => f.recipient === r);
      // Nothing twice; and everyone who is not `unconfirmed` got exactly one message.
      if (unconfirmed) expect(perRecipient.get(r) ?? 0, `${r} v1 ${seen}`).toBeLessThanOrEqual(1);
      else expect(perRecipient.get(r), `${r} ${v2.recipients.includes(r) ? 'v2' : 'v1'} ${seen}`).toBe(1);
    }
  });
});
