import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { dumpTables, startStack, waitFor, type Stack } from '../../test/stack.ts';
import { csvOf, customer, upload, waitForStatus } from '../../test/campaign-test-kit.ts';

/**
 * Part G: "not to retain any messages and limit solely to metadata". Every flow runs with unique marker strings
 * in what the customer and the agent write: one-on-one template variables (v1 and v2), free text inside the
 * window, refusals and provider failures, incoming text and buttons, opt-out keywords and campaign variables.
 * Afterwards no column of any table, no pg-boss job row and no log line holds one. Campaign dispatch runs
 * through pg-boss here, as in production.
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

  /** No marker in any column of any table, any pg-boss row or any log line. */
  const expectNoMarkers = async (o: { jobsMention?: string } = {}) => {
    const stored = JSON.stringify(await dumpTables(s.database));
    const jobs = await dumpSchema('pgboss');
    expect(Object.keys(jobs).length).toBeGreaterThan(0);
    const jobText = JSON.stringify(jobs);
    if (o.jobsMention) expect(jobText).toContain(o.jobsMention);
    const logged = s.logs.join('\n');
    expect(s.logs.length).toBeGreaterThan(5);
    for (const m of markers) {
      expect(stored.includes(m), `${m} in the database`).toBe(false);
      expect(jobText.includes(m), `${m} in the pg-boss tables`).toBe(false);
      expect(logged.includes(m), `${m} in the logs`).toBe(false);
    }
  };

  it('G: bodies, free text, template variables and incoming text of one-on-one flows are used and forgotten', async () => {
    const acme = s.orgs[0]!;
    const bistro = s.orgs[1]!;
    const agent = await s.token(acme, 'agent');
    const bistroAgent = await s.token(bistro, 'agent');
    const acmeNumber = (await s.api(agent, '/api/numbers')).body.numbers[0];
    const bistroNumber = (await s.api(bistroAgent, '/api/numbers')).body.numbers[0];
    const customer = '+48601909090';
    const italian = '+393331909090';
    const template = (token: string, numberId: string, to: string, name: string, variables: string[]) =>
      s.api(token, '/api/messages', {
        body: { kind: 'template', numberId, to, templateName: name, language: 'en_US', variables, clientRef: crypto.randomUUID() },
      });
    const text = (token: string, numberId: string, to: string, body: string) =>
      s.api(token, '/api/messages', { body: { kind: 'text', numberId, to, text: body, clientRef: crypto.randomUUID() } });

    // Templates with variables, on v2 and v1 (v1 params are a comma list: values with commas and quotes too).
    expect((await template(agent, acmeNumber.id, customer, 'order_shipped', [marker('name'), marker('order'), marker('day')])).status).toBe(
      201,
    );
    expect(
      (await template(bistroAgent, bistroNumber.id, italian, 'table_booking', [`${marker('v1')}, "quoted"`, marker('v1b'), marker('v1c')]))
        .status,
    ).toBe(201);
    // Refused before sending: free text outside the window, a missing variable, an unknown template.
    expect((await text(agent, acmeNumber.id, customer, marker('closedwindow'))).status).toBe(409);
    expect((await template(agent, acmeNumber.id, customer, 'order_shipped', [marker('partial'), '', ''])).status).toBe(422);
    expect((await template(agent, acmeNumber.id, customer, 'no_such_template', [marker('unknown')])).status).toBe(400);

    // The customer writes (v2 and v1, text and a button), which opens the window.
    await s.sandboxControl('/sandbox/kaleyra/incoming', {
      to: acmeNumber.number,
      from: customer,
      body: marker('incoming'),
      name: marker('profilename'),
    });
    await s.sandboxControl('/sandbox/kaleyra/incoming', { to: acmeNumber.number, from: customer, button_text: marker('button') });
    await s.sandboxControl('/sandbox/kaleyra/incoming', {
      to: bistroNumber.number,
      from: italian,
      body: marker('incomingv1'),
      name: marker('v1name'),
    });

    // Free text inside the window, on both versions.
    expect((await text(agent, acmeNumber.id, customer, marker('reply'))).status).toBe(201);
    expect((await text(bistroAgent, bistroNumber.id, italian, marker('replyv1'))).status).toBe(201);

    // Failures: refused at once by the provider, failed later by callback, never sent.
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'E110', number: acmeNumber.number });
    expect((await text(agent, acmeNumber.id, customer, marker('refused'))).status).toBe(502);
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'WA400', number: acmeNumber.number });
    expect((await template(agent, acmeNumber.id, customer, 'login_code', [marker('wa400')])).status).toBe(502);
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: '131026', number: acmeNumber.number });
    await template(agent, acmeNumber.id, '+48601909091', 'login_code', [marker('failedlater')]);
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'not-sent', number: bistroNumber.number });
    await template(bistroAgent, bistroNumber.id, '+393331909091', 'login_code', [marker('notsent')]);

    // The customer opts out with a keyword; the refusal does not echo what was written either.
    await s.sandboxControl('/sandbox/kaleyra/incoming', { to: acmeNumber.number, from: customer, body: 'STOP' });
    expect((await text(agent, acmeNumber.id, customer, marker('afterstop'))).status).toBe(409);

    // Every status callback has arrived.
    await waitFor(
      async () =>
        (
          await s.database.query<{ n: number }>(
            `select count(*)::int as n from messages where direction = 'outbound' and status in ('queued', 'accepted', 'sent', 'delivered')`,
          )
        )[0]!.n,
      (n) => n === 0,
      30_000,
    );

    // The flows really ran: messages were sent and received, and Kaleyra got the content.
    const sandboxSaw = JSON.stringify((await s.sandboxControl('/sandbox/kaleyra/messages')).messages);
    expect(sandboxSaw).toContain(markers[0]);
    expect(sandboxSaw).toContain(markers.find((m) => m.includes('reply'))!);

    const tables = await dumpTables(s.database);
    expect(tables.messages!.filter((m: any) => m.direction === 'inbound' && [customer, italian].includes(m.recipient))).toHaveLength(4);
    expect(tables.opt_outs!.filter((o: any) => o.recipient === customer)).toHaveLength(1);
    await expectNoMarkers();
  });

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

    await expectNoMarkers({ jobsMention: 'campaign' });
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
