import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { dumpTables, startStack, waitFor, type Stack } from '../../test/stack.ts';

/**
 * Part G: "not to retain any messages and limit solely to metadata". Every messaging flow runs with unique
 * marker strings in what the customer and the agent write; afterwards no table and no log line holds one.
 */
describe.each(DB_KINDS)('G: message content never reaches the database or the logs (%s)', (kind) => {
  let s: Stack;
  const run = crypto.randomUUID().slice(0, 8);
  const markers: string[] = [];
  const marker = (what: string) => {
    const m = `ZQX${what}${run}${markers.length}QXZ`;
    markers.push(m);
    return m;
  };

  beforeAll(async () => {
    s = await startStack(kind);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('G: bodies, free text, template variables and incoming text are used and forgotten', async () => {
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
    expect(tables.messages!.filter((m: any) => m.direction === 'inbound')).toHaveLength(4);
    expect(tables.opt_outs).toHaveLength(1);
    const stored = JSON.stringify(tables);
    const logged = s.logs.join('\n');
    expect(s.logs.length).toBeGreaterThan(10);
    for (const m of markers) {
      expect(stored.includes(m), `${m} in the database`).toBe(false);
      expect(logged.includes(m), `${m} in the logs`).toBe(false);
    }
  });
});
