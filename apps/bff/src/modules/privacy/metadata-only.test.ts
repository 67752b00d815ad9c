import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { dumpTables, startStack, waitFor, type Stack } from '../../test/stack.ts';
import { csvOf, customer, upload, waitForStatus } from '../campaigns/campaign-test-kit.ts';

/**
 * Part G, proven across flows: one-on-one template variables, free text inside the window, incoming text and
 * campaign variables carry unique markers; afterwards no column of any table, no pg-boss job row and no log
 * line holds one. Campaign dispatch runs through pg-boss here, as in production.
 */
describe.each(DB_KINDS)('G: metadata only, across every flow (%s)', (kind) => {
  let s: Stack;
  let owner: string;
  let agent: string;
  let number: { id: string; number: string };
  const run = crypto.randomUUID().slice(0, 8);
  const markers: string[] = [];
  const marker = (what: string) => {
    const m = `MRK${what}${run}${markers.length}KRM`;
    markers.push(m);
    return m;
  };

  beforeAll(async () => {
    s = await startStack(kind, { workers: true, sandbox: { kaleyraCallbackDelayMs: 20 } });
    owner = await s.token(s.orgs[0]!, 'owner');
    agent = await s.token(s.orgs[0]!, 'agent');
    number = (await s.api(agent, '/api/numbers')).body.numbers[0];
  });
  afterAll(async () => {
    await s?.close();
  });

  const dumpSchema = async (schema: string) => {
    const tables = await s.database.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'`,
      [schema],
    );
    const out: Record<string, unknown[]> = {};
    for (const { table_name } of tables) out[table_name] = await s.database.query(`select * from "${schema}"."${table_name}"`);
    return out;
  };

  it('G: markers in template variables, free text, incoming text and campaign variables appear in no table, job or log', async () => {
    const to = customer();
    const send = (body: Record<string, unknown>) =>
      s.api(agent, '/api/messages', { body: { numberId: number.id, to, clientRef: crypto.randomUUID(), ...body } });
    expect(
      (
        await send({
          kind: 'template',
          templateName: 'order_shipped',
          language: 'en_US',
          variables: [marker('tplA'), marker('tplB'), marker('tplC')],
        })
      ).status,
    ).toBe(201);
    await s.sandboxControl('/sandbox/kaleyra/incoming', { to: number.number, from: to, body: marker('incoming'), name: marker('profile') });
    await waitFor(
      () => s.database.query(`select 1 from customer_windows where recipient = $1`, [to]),
      (r) => r.length === 1,
    );
    expect((await send({ kind: 'text', text: marker('freetext') })).status).toBe(201);

    const recipients = [customer(), customer(), customer()];
    const created = await upload(
      s,
      owner,
      { numberId: number.id, name: 'Marker campaign' },
      csvOf(recipients.map((p, i) => [p, marker(`cvarA${i}`), marker(`cvarB${i}`)])),
    );
    expect(created.status).toBe(201);
    const id = created.body.campaign.id;
    expect((await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} })).status).toBe(200);
    await waitForStatus(s, owner, id, ['completed']);
    await waitFor(
      async () =>
        (
          await s.database.query<{ n: number }>(
            `select count(*)::int as n from messages where direction = 'outbound' and status in ('queued', 'accepted')`,
          )
        )[0]!.n,
      (n) => n === 0,
    );

    // The flows really carried the markers to Kaleyra.
    const sandboxSaw = JSON.stringify((await s.sandboxControl('/sandbox/kaleyra/messages')).messages);
    for (const m of markers.filter((x) => /tpl|freetext|cvar/.test(x))) expect(sandboxSaw, m).toContain(m);

    const stored = JSON.stringify(await dumpTables(s.database));
    const jobs = await dumpSchema('pgboss');
    expect(Object.keys(jobs).length).toBeGreaterThan(0);
    const jobText = JSON.stringify(jobs);
    expect(jobText).toContain('campaign');
    const logged = s.logs.join('\n');
    expect(s.logs.length).toBeGreaterThan(5);
    for (const m of markers) {
      expect(stored.includes(m), `${m} in the database`).toBe(false);
      expect(jobText.includes(m), `${m} in the pg-boss tables`).toBe(false);
      expect(logged.includes(m), `${m} in the logs`).toBe(false);
    }
  });

  it('L.11c: campaign dispatch skips a recipient whose processing is restricted', async () => {
    const [kept, restricted] = [customer(), customer()];
    const created = await upload(
      s,
      owner,
      { numberId: number.id, name: 'Restricted campaign' },
      csvOf([kept, restricted].map((p) => [p, 'x', 'y'])),
    );
    expect(created.status).toBe(201);
    const id = created.body.campaign.id;
    expect((await s.api(owner, '/api/privacy/recipients/restrict', { body: { phone: restricted, reason: 'Objected' } })).status).toBe(200);
    expect((await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} })).status).toBe(200);
    await waitForStatus(s, owner, id, ['completed']);
    const rows = await s.database.query<{ recipient: string; status: string; message_id: string | null }>(
      `select recipient, status, message_id from campaign_recipients where campaign_id = $1`,
      [id],
    );
    expect(rows.find((r) => r.recipient === restricted)).toMatchObject({ status: 'skipped', message_id: null });
    expect(rows.find((r) => r.recipient === kept)?.status).toBe('sent');
    const sandboxSaw = (await s.sandboxControl('/sandbox/kaleyra/messages')).messages as { to: string }[];
    expect(sandboxSaw.some((m) => m.to === restricted)).toBe(false);
  });
});
