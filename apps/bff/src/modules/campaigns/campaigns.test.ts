import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import type { Stack } from '../../test/stack.ts';
import { startCampaignsStack } from '../../test/campaigns-suite.ts';
import { optOut } from '../optouts/optouts.service.ts';
import { campaignOf, csvOf, customer, poll, ledgerRows, sandboxMessages, upload, waitForStatus } from '../../test/campaign-test-kit.ts';

// Whole stacks (BFF, sandbox, pg-boss workers) per suite: generous limits for a busy machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

describe.each(DB_KINDS)('campaigns end to end on %s', (kind) => {
  let s: Stack;
  let owner: string;
  let agent: string;
  let numberId: string;
  let acmeNumber: string;
  let orgId: string;
  const balance = async () => (await s.api(owner, '/api/balance')).body as { remaining: number; reserved: number };

  beforeAll(async () => {
    ({ s, owner, agent, numberId, acmeNumber, orgId } = await startCampaignsStack(kind));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('only owners and admins reach campaigns', async () => {
    expect((await s.api(agent, '/api/campaigns')).status).toBe(403);
    expect((await upload(s, agent, { numberId }, 'phone\n+48601234567')).status).toBe(403);
  });

  it('C.2, D.5: the check reports valid, invalid (line and reason), duplicates, opted-out, missing variables and open conversations; rejected rows download as CSV', async () => {
    const [a, b, c, d] = [customer(), customer(), customer(), customer()];
    await optOut(s.database.db, { organizationId: orgId, recipient: d, source: 'manual' });
    // b already has an open utility conversation: free.
    const one = await s.api(owner, '/api/messages', {
      body: {
        kind: 'template',
        numberId,
        to: b,
        templateName: 'order_shipped',
        language: 'en_US',
        variables: ['B', '#1', 'today'],
        clientRef: crypto.randomUUID(),
      },
    });
    expect(one.status).toBe(201);
    const csv = csvOf([
      [a, 'Ann', 'A-1'],
      [b, 'Bob', 'A-2'],
      ['12 34', 'Bad', 'A-3'],
      [a, 'Ann twice', 'A-4'],
      [c, '', 'A-5'],
      [d, 'Dee', 'A-6'],
    ]);
    const r = await upload(s, owner, { numberId }, csv);
    expect(r.status).toBe(201);
    const { report } = r.body.campaign;
    expect(report).toMatchObject({
      rows: 6,
      valid: 2,
      invalid: 1,
      duplicates: 1,
      optedOut: 1,
      missingVariables: 1,
      alreadyOpen: 1,
      needed: 1,
    });
    expect(report.missing).toBe(0);
    expect(report.rejected).toEqual([
      { line: 4, phone: '12 34', kind: 'invalid', reason: expect.any(String) },
      { line: 5, phone: a, kind: 'duplicate', reason: 'Same number as line 2' },
      { line: 6, phone: c, kind: 'missing_variables', reason: expect.stringContaining('{{1}}') },
      { line: 7, phone: d, kind: 'opted_out', reason: expect.any(String) },
    ]);
    expect(r.body.campaign).toMatchObject({ status: 'draft', category: 'utility', quietHours: false, counts: { total: 2, pending: 2 } });
    const file = await fetch(`${s.bffUrl}/api/campaigns/${r.body.campaign.id}/rejected.csv`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(file.headers.get('content-type')).toContain('text/csv');
    const text = await file.text();
    expect(text.split('\r\n')[0]).toBe('line,phone,problem,reason');
    expect(text).toContain(`5,'${a},duplicate,Same number as line 2`); // the apostrophe keeps a spreadsheet from reading +48… as a formula
    // A draft can be discarded, its rows with it.
    expect((await s.api(owner, `/api/campaigns/${r.body.campaign.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await s.api(owner, `/api/campaigns/${r.body.campaign.id}`)).status).toBe(404);
  });

  it('a malformed file gets a clear error and creates nothing', async () => {
    const before = await s.database.query<{ n: string }>(
      'select (select count(*) from campaigns) + (select count(*) from campaign_recipients) as n',
    );
    const cases: [string | Buffer, number, RegExp][] = [
      [Buffer.from('phone,name,order\n+48601234567,Zo\xeb,1\n', 'latin1'), 422, /not UTF-8/],
      ['mobile,name,order\n+48601234567,A,1\n', 422, /no column "phone"/],
      [`phone,name,order\n+48601234567,${'x'.repeat(10 * 1024 * 1024)},1\n`, 422, /Line 2 is longer than 64 KB/],
      [csvOf(Array.from({ length: 100_001 }, (_, i) => [`+4860${String(1_000_000 + i)}`, 'A', '1'])), 413, /more than 100,000 rows/],
    ];
    for (const [body, status, message] of cases) {
      const r = await upload(s, owner, { numberId }, body);
      expect(r.status, String(message)).toBe(status);
      expect(r.body.code).toBe(status === 413 ? 'file_too_large' : 'csv_invalid');
      expect(r.body.detail).toMatch(message);
    }
    const after = await s.database.query<{ n: string }>(
      'select (select count(*) from campaigns) + (select count(*) from campaign_recipients) as n',
    );
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
  });

  it('C.2, G: a launch reserves, dispatches every recipient exactly once, converts the reservation, releases the rest and erases the values', async () => {
    const recipients = Array.from({ length: 12 }, () => customer());
    const start = await balance();
    const csv = csvOf(recipients.map((p, i) => [p, `Zanzibar${i}`, `SECRET-${i}`]));
    const created = await upload(s, owner, { numberId }, csv);
    expect(created.status).toBe(201);
    const id = created.body.campaign.id;
    const plan = (await s.api(owner, `/api/campaigns/${id}/plan`)).body;
    expect(plan).toMatchObject({ recipients: 12, needed: 12, missing: 0, quietHours: false });
    expect(Date.parse(plan.estimatedFinishAt)).toBeGreaterThan(Date.now());

    // One opening message will fail after acceptance: its conversation must come back at the end.
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: '131026', number: acmeNumber });
    const launched = await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} });
    expect(launched.status).toBe(200);
    expect(['running', 'completed']).toContain(launched.body.campaign.status);
    const done = await waitForStatus(s, owner, id, ['completed']);
    expect(done.counts.pending + done.counts.sending).toBe(0);
    const settled = await poll(
      () => campaignOf(s, owner, id),
      (c) => c.counts.read + c.counts.failed === 12,
    );
    expect(settled.counts).toMatchObject({ total: 12, failed: 1, read: 11 });
    expect(settled.reserved).toBe(0);

    // Exactly one message per recipient at Kaleyra, with that recipient's own values.
    const atSandbox = (await sandboxMessages(s, acmeNumber)).filter((m) => recipients.includes(m.to));
    expect(atSandbox).toHaveLength(12);
    expect(new Set(atSandbox.map((m) => m.to)).size).toBe(12);
    for (const m of atSandbox) expect(m.params[1]).toBe(`SECRET-${recipients.indexOf(m.to)}`);

    // Ledger: the reservation nets to zero; 12 opened, 1 given back.
    const rows = (await ledgerRows(s, orgId)).filter((e) => e.reference === id || e.idempotency_key.includes(id));
    const reserved = rows.filter((e) => e.reason === 'reservation').reduce((a, e) => a + e.delta, 0);
    const released = rows.filter((e) => e.reason === 'reservation_released').reduce((a, e) => a + e.delta, 0);
    expect(reserved).toBe(-12);
    expect(released).toBe(12);
    const end = await poll(balance, (b) => b.remaining === start.remaining - 11);
    expect(end.reserved).toBe(0);

    // G: no variable value survives the dispatch anywhere in the database.
    const left = await s.database.query<{ n: string }>(
      'select count(*) as n from campaign_recipients where campaign_id = $1 and variables is not null',
      [id],
    );
    expect(Number(left[0]!.n)).toBe(0);
    const dump = JSON.stringify(await s.database.query('select * from campaign_recipients where campaign_id = $1', [id]));
    expect(dump).not.toContain('Zanzibar');
    expect(dump).not.toContain('SECRET-');
    expect(s.logs.join('\n')).not.toContain('SECRET-');

    // Per-recipient status with a plain-language reason, and the CSV report.
    const failedPage = (await s.api(owner, `/api/campaigns/${id}/recipients?status=failed`)).body;
    expect(failedPage.total).toBe(1);
    expect(failedPage.recipients[0]).toMatchObject({ status: 'failed', reasonCode: '131026', retryable: false });
    expect(failedPage.recipients[0].reason).toMatch(/could not deliver/);
    const report = await (
      await fetch(`${s.bffUrl}/api/campaigns/${id}/report.csv`, { headers: { authorization: `Bearer ${owner}` } })
    ).text();
    expect(report.trim().split('\r\n')).toHaveLength(13);
    expect(report).toContain(',read,');
    expect(report).not.toContain('SECRET-');
  });

  it('C.2: a short balance refuses the launch with how many are missing; "send to the first N" fits it', async () => {
    const start = await balance();
    const recipients = Array.from({ length: start.remaining + 3 }, () => customer());
    const created = await upload(s, owner, { numberId }, csvOf(recipients.map((p) => [p, 'Al', '1'])));
    expect(created.status).toBe(201);
    const id = created.body.campaign.id;
    expect(created.body.campaign.report.missing).toBe(3);
    const plan = (await s.api(owner, `/api/campaigns/${id}/plan`)).body;
    expect(plan).toMatchObject({ missing: 3, affordable: start.remaining });
    const refused = await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} });
    expect(refused.status).toBe(402);
    expect(refused.body.code).toBe('insufficient_balance');
    expect(refused.body.detail).toMatch(/3 missing/);
    expect(refused.body.detail).toMatch(new RegExp(`first ${start.remaining} recipients`));
    expect((await balance()).remaining).toBe(start.remaining);
    expect((await campaignOf(s, owner, id)).status).toBe('draft');

    // The first 2 only, slowly, then pause/resume/cancel: the reservation follows.
    const launched = await s.api(owner, `/api/campaigns/${id}/launch`, { body: { sendLimit: 2, ratePerSecond: 0.5 } });
    expect(launched.status).toBe(200);
    expect(launched.body.campaign.counts).toMatchObject({ skipped: recipients.length - 2 });
    const reservation = (await ledgerRows(s, orgId)).filter((e) => e.reference === id && e.reason === 'reservation');
    expect(reservation.map((e) => e.delta)).toEqual([-2]);
    // Reserved or already spent, the two conversations are out of the balance.
    expect((await balance()).remaining).toBe(start.remaining - 2);
    const paused = await s.api(owner, `/api/campaigns/${id}/pause`, { body: {} });
    expect(paused.body.campaign.status).toBe('paused');
    // Messages already handed to a send slot still go out; nothing else does.
    await new Promise((r) => setTimeout(r, 3_000));
    const whilePaused = await campaignOf(s, owner, id);
    const sentWhilePaused = whilePaused.counts.sent + whilePaused.counts.delivered + whilePaused.counts.read;
    await new Promise((r) => setTimeout(r, 1_500));
    const later = await campaignOf(s, owner, id);
    expect(later.counts.sent + later.counts.delivered + later.counts.read).toBe(sentWhilePaused);
    const resumed = await s.api(owner, `/api/campaigns/${id}/resume`, { body: {} });
    expect(resumed.body.campaign.status).toBe('running');
    const cancelled = await s.api(owner, `/api/campaigns/${id}/cancel`, { body: {} });
    expect(cancelled.body.campaign.status).toBe('cancelled');
    await poll(balance, (b) => b.reserved === 0);
    // A message that was already in a send slot when the campaign was cancelled still finishes (its conversation
    // was spent when it was recorded): compare once nothing is in flight.
    const c = await poll(
      () => campaignOf(s, owner, id),
      (x) => x.counts.sending === 0 && x.counts.pending === 0,
    );
    const after = await balance();
    const handed = c.counts.sent + c.counts.delivered + c.counts.read + c.counts.failed;
    expect(after.remaining).toBe(start.remaining - handed);
    expect(c.counts.cancelled + handed + c.counts.skipped).toBe(recipients.length);
  });

  it('F.4: an opt-out that arrives mid-campaign is honoured for the rest of it', async () => {
    const recipients = Array.from({ length: 6 }, () => customer());
    const created = await upload(s, owner, { numberId }, csvOf(recipients.map((p) => [p, 'Al', '1'])));
    const id = created.body.campaign.id;
    await s.api(owner, `/api/campaigns/${id}/launch`, { body: { ratePerSecond: 2 } });
    await poll(
      () => campaignOf(s, owner, id),
      (c) => c.counts.sent + c.counts.delivered + c.counts.read >= 1,
    );
    // The last recipient writes STOP (recorded by the opt-out module; here straight into the list).
    await optOut(s.database.db, { organizationId: orgId, recipient: recipients[5]!, source: 'keyword' });
    const done = await waitForStatus(s, owner, id, ['completed'], 30_000);
    expect(done.counts.skipped).toBe(1);
    const skipped = (await s.api(owner, `/api/campaigns/${id}/recipients?status=skipped`)).body.recipients;
    expect(skipped[0]).toMatchObject({ recipient: recipients[5], reasonCode: 'opted_out' });
    expect((await sandboxMessages(s, acmeNumber)).some((m) => m.to === recipients[5])).toBe(false);
    expect((await balance()).reserved).toBe(0);
  });

  it('L.11c: a restricted customer is reported as restricted by the check, and one restricted after the check is skipped as restricted', async () => {
    const [a, b, c] = [customer(), customer(), customer()];
    const restrict = (phone: string) => s.api(owner, '/api/privacy/recipients/restrict', { body: { phone, reason: 'Asked us by letter' } });
    expect((await restrict(a)).status).toBe(200);
    const created = await upload(s, owner, { numberId }, csvOf([a, b, c].map((p) => [p, 'Al', '1'])));
    const { report } = created.body.campaign;
    expect(report).toMatchObject({ valid: 2, optedOut: 0, restricted: 1 });
    expect(report.rejected).toEqual([{ line: 2, phone: a, kind: 'restricted', reason: expect.stringContaining('Restricted') }]);
    // b asks for the restriction between the check and the launch.
    expect((await restrict(b)).status).toBe(200);
    const id = created.body.campaign.id;
    expect((await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} })).status).toBe(200);
    const done = await waitForStatus(s, owner, id, ['completed'], 30_000);
    expect(done.counts.skipped).toBe(1);
    const skipped = (await s.api(owner, `/api/campaigns/${id}/recipients?status=skipped`)).body.recipients;
    expect(skipped).toEqual([
      expect.objectContaining({ recipient: b, reasonCode: 'recipient_restricted', reason: expect.stringContaining('restricted') }),
    ]);
    const sent = await sandboxMessages(s, acmeNumber);
    expect(sent.some((m) => m.to === a || m.to === b)).toBe(false);
    expect(sent.some((m) => m.to === c)).toBe(true);
    expect((await balance()).reserved).toBe(0);
  });

  it('F.1: a number on a plan without campaigns (Starter) can neither create nor launch one, and the owner is told which plans can', async () => {
    const draft = await upload(s, owner, { numberId }, csvOf([[customer(), 'Al', '1']]));
    expect(draft.status).toBe(201);
    const [plan] = await s.database.query<{ id: string; item: string }>(
      `select id, item from charges where number_id = $1 and kind = 'recurrent' order by created_at desc limit 1`,
      [numberId],
    );
    await s.database.query(`update charges set item = 'plan:starter:monthly' where id = $1`, [plan!.id]);
    try {
      const refused = await upload(s, owner, { numberId }, csvOf([[customer(), 'Al', '1']]));
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('plan_limit');
      expect(refused.body.detail).toMatch(/Starter plan .* does not include campaigns\. Choose the Standard or Full plan/);
      const launch = await s.api(owner, `/api/campaigns/${draft.body.campaign.id}/launch`, { body: {} });
      expect(launch.status).toBe(409);
      expect(launch.body.code).toBe('plan_limit');
      expect((await campaignOf(s, owner, draft.body.campaign.id)).status).toBe('draft');
    } finally {
      await s.database.query(`update charges set item = $2 where id = $1`, [plan!.id, plan!.item]);
    }
    expect((await s.api(owner, `/api/campaigns/${draft.body.campaign.id}`, { method: 'DELETE' })).status).toBe(204);
  });
});
