import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../db/client.ts';
import { DB_KINDS, openTestDatabase, type DbKind } from '../../test/test-db.ts';
import { startStack, type Stack } from '../../test/stack.ts';
import { takeSlots } from './send-slots.repo.ts';
import { campaignOf, csvOf, customer, poll, sandboxMessages, upload, waitForStatus } from '../../test/campaign-test-kit.ts';
import { DEFAULT_QUIET_HOURS_POLICY, type QuietHoursPolicy } from './quiet-hours.ts';
import { DEFAULT_CATALOG } from '../billing/catalog.ts';
import { loginCodeSend } from '../../test/login-code-send.ts';
import { createLogger } from '../../lib/logger.ts';
import { startQueue, type Queue } from '../../queue/queue.ts';
import { deleteQueuesOfGoneWorkers, ownDispatchQueue } from './dispatch-jobs.ts';

// Whole stacks (BFF, sandbox, pg-boss workers) per suite: generous limits for a busy machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/** Most accepted sends in any rolling second, from the sandbox's acceptance times. */
function maxPerRollingSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe.each(DB_KINDS)('send slots on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('pacing: concurrent takers (as several instances) get disjoint slots, one interval apart', async () => {
    const now = Date.now();
    const takes = await Promise.all(Array.from({ length: 20 }, () => takeSlots(database.db, 'number:test', 5, 12.5, now)));
    const starts = takes.sort((a, b) => a - b);
    expect(starts[0]).toBe(now);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeCloseTo(62.5, 6);
    // A later taker after a pause starts now, not in the past.
    const later = Date.now() + 10_000;
    expect(await takeSlots(database.db, 'number:test', 1, 12.5, later)).toBe(later);
  });
});

/** A stack with workers whose sandbox accepts far above our limits (what it accepts shows our pace, not its refusals). */
async function pacingStack(kind: DbKind, env: Record<string, string>) {
  const s = await startStack(kind, { workers: true, sandbox: { kaleyraCallbackDelayMs: 20, kaleyraRateLimitPerSecond: 1000 }, env });
  const owner = await s.token(s.orgs[0]!, 'owner');
  const n = (await s.api(owner, '/api/numbers')).body.numbers[0];
  return { s, owner, numberId: n.id as string, acmeNumber: n.number as string };
}

describe.each(DB_KINDS)('dispatch pacing on %s', (kind) => {
  let s: Stack;
  let owner: string;
  let numberId: string;
  let acmeNumber: string;
  const LIMIT = 20;

  beforeAll(async () => {
    ({ s, owner, numberId, acmeNumber } = await pacingStack(kind, {
      CAMPAIGN_NUMBER_RATE_PER_SECOND: String(LIMIT),
      CAMPAIGN_PAIR_INTERVAL_SECONDS: '2',
    }));
  });
  afterAll(async () => {
    await s?.close();
  });

  it("pacing: two campaigns on one number together stay under the number's limit", async () => {
    const a = Array.from({ length: 50 }, () => customer());
    const b = Array.from({ length: 50 }, () => customer());
    const ca = (await upload(s, owner, { numberId, name: 'A' }, csvOf(a.map((p) => [p, 'A', '1'])))).body.campaign.id;
    const cb = (await upload(s, owner, { numberId, name: 'B' }, csvOf(b.map((p) => [p, 'B', '2'])))).body.campaign.id;
    await Promise.all([
      s.api(owner, `/api/campaigns/${ca}/launch`, { body: {} }),
      s.api(owner, `/api/campaigns/${cb}/launch`, { body: {} }),
    ]);
    await Promise.all([waitForStatus(s, owner, ca, ['completed'], 120_000), waitForStatus(s, owner, cb, ['completed'], 120_000)]);
    const sent = (await sandboxMessages(s, acmeNumber)).filter((m) => a.includes(m.to) || b.includes(m.to));
    expect(sent).toHaveLength(100);
    const times = sent.map((m) => Date.parse(m.accepted_at));
    // One pace for the number, shared by both campaigns (were each paced alone, 40 a second would arrive).
    // A little allowance for arrival jitter: requests are timed by us, counted when the sandbox handles them.
    expect(maxPerRollingSecond(times)).toBeLessThanOrEqual(LIMIT + 2);
    const span = (Math.max(...times) - Math.min(...times)) / 1000;
    // 100 messages at 20/s take at least about 5 s. How close to the limit the pace gets is the benchmark's
    // business (`pnpm bench`, sandbox in its own process), not a timed test's.
    expect(span).toBeGreaterThan(99 / LIMIT - 0.3);
    const recipients = [
      ...(await s.api(owner, `/api/campaigns/${ca}/recipients?limit=200`)).body.recipients,
      ...(await s.api(owner, `/api/campaigns/${cb}/recipients?limit=200`)).body.recipients,
    ];
    expect(recipients.every((r: any) => r.status !== 'failed' && r.attempts === 1)).toBe(true);
  });

  it('pacing: a recipient messaged moments ago waits for the pair interval (Meta 131056)', async () => {
    const x = customer();
    const one = await s.api(owner, '/api/messages', { body: loginCodeSend(numberId, x) });
    expect(one.status).toBe(201);
    const id = (await upload(s, owner, { numberId }, csvOf([[x, 'X', '1']]))).body.campaign.id;
    await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} });
    await waitForStatus(s, owner, id, ['completed'], 20_000);
    const toX = (await sandboxMessages(s, acmeNumber)).filter((m) => m.to === x).map((m) => Date.parse(m.accepted_at));
    expect(toX).toHaveLength(2);
    expect(toX[1]! - toX[0]!).toBeGreaterThanOrEqual(2_000);
  });
});

describe.each(DB_KINDS)('quiet hours in dispatch on %s', (kind) => {
  let s: Stack;
  let owner: string;
  let numberId: string;
  let windowStart: number;

  beforeAll(async () => {
    // Poland is allowed one hour, twelve hours from now (Warsaw time); everyone else all day.
    const warsaw = DateTime.now().setZone('Europe/Warsaw');
    const from = (warsaw.hour + 12) % 24;
    const pad = (h: number) => `${String(h).padStart(2, '0')}:00`;
    const policy: QuietHoursPolicy = {
      default: { windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }] },
      rules: [
        {
          id: 'pl',
          label: 'Poland',
          country: 'PL',
          windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: pad(from), to: pad(from + 1) }],
        },
      ],
    };
    let start = warsaw.set({ hour: from, minute: 0, second: 0, millisecond: 0 });
    if (start <= warsaw) start = start.plus({ days: 1 });
    windowStart = start.toMillis();
    s = await startStack(kind, {
      workers: true,
      sandbox: { kaleyraCallbackDelayMs: 20 },
      env: { QUIET_HOURS_POLICY_JSON: JSON.stringify(policy) },
    });
    owner = await s.token(s.orgs[0]!, 'owner');
    numberId = (await s.api(owner, '/api/numbers')).body.numbers[0].id;
    expect(DEFAULT_QUIET_HOURS_POLICY.rules.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('D.5: marketing recipients outside their allowed hours wait for their next window; the plan shows when it ends', async () => {
    const pl = [customer(), customer(), customer()];
    const gb = ['+447400123456', '+447400123457'];
    const csv = csvOf([...pl.map((p) => [p, 'Ola']), ...gb.map((p) => [p, 'Jo'])], ['phone', 'name']);
    const created = await upload(
      s,
      owner,
      { numberId, templateName: 'spring_sale', variableColumns: ['name', null], fallbacks: ['', '20%'] },
      csv,
    );
    expect(created.status).toBe(201);
    const id = created.body.campaign.id;
    expect(created.body.campaign).toMatchObject({ category: 'marketing', quietHours: true });
    const plan = (await s.api(owner, `/api/campaigns/${id}/plan`)).body;
    const poland = plan.groups.find((g: any) => g.key === 'pl|cc:PL');
    expect(poland).toMatchObject({ recipients: 3, allowedNow: false, label: 'Poland (Europe/Warsaw)' });
    expect(Date.parse(poland.nextWindowAt)).toBe(windowStart);
    expect(plan.groups.find((g: any) => g.key === 'default|cc:GB')).toMatchObject({ recipients: 2, allowedNow: true });
    // 3 messages at the window's start: done within a minute of it.
    expect(Date.parse(plan.estimatedFinishAt)).toBeGreaterThanOrEqual(windowStart);
    expect(Date.parse(plan.estimatedFinishAt)).toBeLessThanOrEqual(windowStart + 60_000);

    await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} });
    const c = await poll(
      () => campaignOf(s, owner, id),
      (x) => x.counts.sent + x.counts.delivered + x.counts.read === 2,
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const still = await campaignOf(s, owner, id);
    expect(still).toMatchObject({ status: 'running', waitingForQuietHours: 3, counts: { pending: 3 } });
    expect(Date.parse(still.estimatedFinishAt)).toBeGreaterThanOrEqual(windowStart);
    expect(c.counts.failed).toBe(0);
    const wake = await s.database.query<{ wake_at: Date | string }>('select wake_at from campaigns where id = $1', [id]);
    expect(new Date(wake[0]!.wake_at).getTime()).toBe(windowStart);
  });
});

describe.each(DB_KINDS)("a plan's messagesPerSecond on %s", (kind) => {
  let s: Stack;
  let owner: string;
  let numberId: string;
  let acmeNumber: string;
  const PLAN_RATE = 5;

  beforeAll(async () => {
    // The seeded numbers pay for Standard; here Standard allows 5 messages a second, far under the configured 40.
    const catalog = {
      ...DEFAULT_CATALOG,
      plans: DEFAULT_CATALOG.plans.map((p) => (p.id === 'standard' ? { ...p, limits: { ...p.limits, messagesPerSecond: PLAN_RATE } } : p)),
    };
    ({ s, owner, numberId, acmeNumber } = await pacingStack(kind, {
      CAMPAIGN_NUMBER_RATE_PER_SECOND: '40',
      CAMPAIGN_PAIR_INTERVAL_SECONDS: '0',
      CATALOG_JSON: JSON.stringify(catalog),
    }));
  });
  afterAll(async () => {
    await s?.close();
  });

  it("F.1: a campaign goes no faster than the number's plan allows, and the plan's estimate says so", async () => {
    const to = Array.from({ length: 30 }, () => customer());
    const id = (await upload(s, owner, { numberId }, csvOf(to.map((p) => [p, 'A', '1'])))).body.campaign.id;
    const plan = (await s.api(owner, `/api/campaigns/${id}/plan`)).body;
    // 30 messages at 5/s (less the safety margin) take about 6 s.
    expect(Date.parse(plan.estimatedFinishAt) - Date.now()).toBeGreaterThan(5_000);
    expect((await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} })).status).toBe(200);
    await waitForStatus(s, owner, id, ['completed'], 120_000);
    const times = (await sandboxMessages(s, acmeNumber)).filter((m) => to.includes(m.to)).map((m) => Date.parse(m.accepted_at));
    expect(times).toHaveLength(30);
    expect(maxPerRollingSecond(times)).toBeLessThanOrEqual(PLAN_RATE + 1);
    expect((Math.max(...times) - Math.min(...times)) / 1000).toBeGreaterThan(29 / PLAN_RATE - 0.5);
  });
});

describe.each(DB_KINDS)('dispatch queues of instances on %s', (kind) => {
  let database: Database;
  let queue: Queue;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    queue = await startQueue(database, createLogger('silent'));
  });
  afterAll(async () => {
    await queue?.stop({ graceful: false, close: false });
    await database?.close();
  });

  it('the own queues of instances that are gone are deleted; live and just-started ones stay', async () => {
    const [live, gone] = [randomUUID(), randomUUID()];
    for (const id of [live, gone]) await queue.createQueue(ownDispatchQueue(id), { policy: 'short' });
    await queue.send(ownDispatchQueue(gone), { campaignId: 'c', lane: 0 });
    const alive = async () => new Set([live]);

    // Just created: it may be an instance still taking its lease.
    expect(await deleteQueuesOfGoneWorkers(queue, alive)).toEqual([]);
    expect(await deleteQueuesOfGoneWorkers(queue, alive, 0)).toEqual([ownDispatchQueue(gone)]);
    const left = (await queue.getQueues()).map((q) => q.name);
    expect(left).toContain(ownDispatchQueue(live));
    expect(left).not.toContain(ownDispatchQueue(gone));
  });
});
