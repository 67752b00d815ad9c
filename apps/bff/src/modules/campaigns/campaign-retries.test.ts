import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import type { Stack } from '../../test/stack.ts';
import { startCampaignsStack } from '../../test/campaigns-suite.ts';
import { campaignOf, csvOf, customer, poll, retryWithFile, sandboxMessages, upload, waitForStatus } from '../../test/campaign-test-kit.ts';

// Whole stacks (BFF, sandbox, pg-boss workers) per suite: generous limits for a busy machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

describe.each(DB_KINDS)('campaigns end to end on %s', (kind) => {
  let s: Stack;
  let owner: string;
  let numberId: string;
  let acmeNumber: string;
  const balance = async () => (await s.api(owner, '/api/balance')).body as { remaining: number; reserved: number };

  beforeAll(async () => {
    ({ s, owner, numberId, acmeNumber } = await startCampaignsStack(kind));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('retry failed sends only retryable failures again, with new message ids, after the file is chosen again', async () => {
    const recipients = Array.from({ length: 4 }, () => customer());
    const csv = csvOf(recipients.map((p, i) => [p, `N${i}`, `O${i}`]));
    const created = await upload(s, owner, { numberId }, csv);
    const id = created.body.campaign.id;
    // First send: a marketing-cap refusal (retryable) and an undeliverable number (not retryable).
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: '131049', number: acmeNumber });
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: '131026', number: acmeNumber });
    await s.api(owner, `/api/campaigns/${id}/launch`, { body: { ratePerSecond: 20 } });
    const done = await poll(
      () => campaignOf(s, owner, id),
      (c) => c.status === 'completed' && c.counts.failed === 2 && c.counts.read === 2,
      30_000,
    );
    expect(done.retryable).toBe(1);
    const before = (await s.api(owner, `/api/campaigns/${id}/recipients?status=failed`)).body.recipients as any[];
    const retryableOne = before.find((r) => r.reasonCode === '131049');
    expect(retryableOne.reason).toMatch(/marketing/);
    // The values were erased after sending: without the file, the retry asks for it.
    const noFile = await retryWithFile(s, owner, id, null);
    expect(noFile.status).toBe(409);
    expect(noFile.body.detail).toMatch(/Choose the same CSV/);
    const start = await balance();
    // Fallback values are not kept either: the retry gets them again with the file.
    const retried = await retryWithFile(s, owner, id, csv, ['', '', 'soon']);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ retried: 1, notInFile: 0 });
    await poll(
      () => campaignOf(s, owner, id),
      (c) => c.status === 'completed' && c.counts.read === 3,
      30_000,
    );
    const after = (await s.api(owner, `/api/campaigns/${id}/recipients?q=${encodeURIComponent(retryableOne.recipient)}`)).body
      .recipients[0];
    expect(after.status).toBe('read');
    expect(after.messageId).not.toBe(retryableOne.messageId);
    const toIt = (await sandboxMessages(s, acmeNumber)).filter((m) => m.to === retryableOne.recipient);
    expect(toIt).toHaveLength(2);
    expect(toIt[1]!.params).toEqual(toIt[0]!.params);
    // The failed opener had released its conversation; the retry opened (and paid) one again.
    expect((await balance()).remaining).toBe(start.remaining - 1);
    expect((await balance()).reserved).toBe(0);
  });

  it('429s and 5xx answers are retried with backoff and the same reference; a timeout is confirmed, never duplicated', async () => {
    const recipients = Array.from({ length: 5 }, () => customer());
    const created = await upload(s, owner, { numberId }, csvOf(recipients.map((p) => [p, 'Al', '1'])));
    const id = created.body.campaign.id;
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'http429', number: acmeNumber, count: 2 });
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'http503', number: acmeNumber, count: 2 });
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'timeout', number: acmeNumber, hang_ms: 4_000 });
    await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} });
    const done = await waitForStatus(s, owner, id, ['completed'], 60_000);
    expect(done.counts.failed).toBe(0);
    const sent = (await sandboxMessages(s, acmeNumber)).filter((m) => recipients.includes(m.to));
    expect(sent).toHaveLength(5);
    const attempts = (await s.api(owner, `/api/campaigns/${id}/recipients`)).body.recipients.map((r: any) => r.attempts);
    // Two 429s and two 503s were tried again; the timed-out send was settled from Kaleyra's callbacks instead.
    expect(attempts.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThanOrEqual(9);
  });

  it('an account-level refusal (Kaleyra out of credit) pauses the campaign instead of failing everyone', async () => {
    const recipients = Array.from({ length: 3 }, () => customer());
    const created = await upload(s, owner, { numberId }, csvOf(recipients.map((p) => [p, 'Al', '1'])));
    const id = created.body.campaign.id;
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'E110', number: acmeNumber });
    await s.api(owner, `/api/campaigns/${id}/launch`, { body: { ratePerSecond: 1 } });
    const paused = await waitForStatus(s, owner, id, ['paused'], 20_000);
    expect(paused.pausedReason).toBe('E110');
    expect(paused.counts.failed).toBe(0);
    await s.api(owner, `/api/campaigns/${id}/resume`, { body: {} });
    const done = await waitForStatus(s, owner, id, ['completed'], 30_000);
    expect(done.counts.pending + done.counts.failed).toBe(0);
  });

  it('a scheduled launch reserves at once, sends nothing before its time, then runs by itself', async () => {
    const recipients = [customer(), customer()];
    const created = await upload(s, owner, { numberId }, csvOf(recipients.map((p) => [p, 'Sam', 'S-1'])));
    const id = created.body.campaign.id;
    const start = await balance();
    const at = new Date(Date.now() + 4_000).toISOString();
    const plan = (await s.api(owner, `/api/campaigns/${id}/plan?scheduledAt=${encodeURIComponent(at)}`)).body;
    expect(Date.parse(plan.startAt)).toBe(Date.parse(at));
    expect(Date.parse(plan.estimatedFinishAt)).toBeGreaterThanOrEqual(Date.parse(at));
    const launched = await s.api(owner, `/api/campaigns/${id}/launch`, { body: { scheduledAt: at } });
    expect(launched.body.campaign).toMatchObject({ status: 'scheduled', reserved: 2, scheduledAt: at });
    expect((await balance()).remaining).toBe(start.remaining - 2);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await sandboxMessages(s, acmeNumber)).filter((m) => recipients.includes(m.to))).toHaveLength(0);
    const done = await waitForStatus(s, owner, id, ['completed'], 30_000);
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(at));
    const sent = (await sandboxMessages(s, acmeNumber)).filter((m) => recipients.includes(m.to));
    expect(sent).toHaveLength(2);
    for (const m of sent) expect(Date.parse(m.accepted_at)).toBeGreaterThanOrEqual(Date.parse(at));
  });

  it('test send goes to the given number with the first recipient values, through one-on-one accounting', async () => {
    const created = await upload(s, owner, { numberId }, csvOf([[customer(), 'Tess', 'T-1']]));
    const id = created.body.campaign.id;
    const me = customer();
    const r = await s.api(owner, `/api/campaigns/${id}/test-send`, { body: { to: me } });
    expect(r.status).toBe(200);
    expect(r.body.message).toMatchObject({ to: me, templateName: 'order_shipped' });
    const [m] = (await sandboxMessages(s, acmeNumber)).filter((x) => x.to === me);
    expect(m!.params.slice(0, 2)).toEqual(['Tess', 'T-1']);
  });
});
