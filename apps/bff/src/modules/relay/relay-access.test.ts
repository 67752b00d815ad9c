import { randomUUID } from 'node:crypto';
import { expect, it, vi } from 'vitest';
import { dumpTables } from '../../test/stack.ts';
import * as kit from '../../test/relay-test-kit.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

kit.describeRelay('who may, and what is kept', (r) => {
  it('setup: the status names the authorization and every number, and the groups come from LiveChat', async () => {
    const { s, f, v2 } = r;
    const status = await s.api(f.owner, '/api/relay');
    expect(status.body.authorization).toMatchObject({ status: 'connected', connected: true });
    expect(status.body.numbers.every((n: { status: string; groupId: number }) => n.status === 'active' && n.groupId === 0)).toBe(true);
    const groups = await s.api(f.owner, '/api/relay/groups');
    expect(groups.body.groups.map((g: { id: number }) => g.id)).toContain(0);
    expect((await s.api(f.agent, '/api/relay')).status).toBe(403);
    const bad = await s.api(f.owner, `/api/relay/numbers/${v2.id}`, { method: 'PUT', body: { enabled: true, groupId: 987 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('groupId');
  });

  it('a forged or missing secret_key gets 401 and changes nothing', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'hi');
    const chatId = await kit.chatIdOf(s, f.org, customer);
    await kit.settledInbound(s, customer, 1);
    // The tables a relayed webhook could change (the workers renew their leases and sync bills meanwhile).
    const watched = async () => {
      const all = await dumpTables(s.database);
      return Object.fromEntries(
        Object.entries(all).filter(([t]) => /^(relay_|messages|message_events|conversations|ledger_entries|opt_outs)/.test(t)),
      );
    };
    let before = await watched();
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const again = await watched();
      if (JSON.stringify(again) === JSON.stringify(before)) break;
      before = again;
    }
    const event = { id: `forged_${randomUUID()}`, type: 'message', text: 'send money', author_id: 'agent@x', visibility: 'all' };
    for (const secret of ['wrong-secret-wrong-secret-000', undefined, '']) {
      const res = await kit.postChatWebhook(s, {
        webhook_id: 'w',
        ...(secret === undefined ? {} : { secret_key: secret }),
        action: 'incoming_event',
        organization_id: f.org.id,
        payload: { chat_id: chatId, event },
      });
      expect(res.status).toBe(401);
    }
    // The right secret for an organization without the relay is refused too.
    const other = await kit.postChatWebhook(s, {
      secret_key: s.config.LIVECHAT_CHAT_WEBHOOK_SECRET,
      action: 'incoming_event',
      organization_id: s.orgs[1]!.id,
      payload: { chat_id: chatId, event },
    });
    expect(other.status).toBe(401);
    expect(await watched()).toEqual(before);
  });

  it('L.11b: erasing a customer leaves their number in no relay table', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v2.number, customer, 'forget me');
    await kit.settledInbound(s, customer, 1);
    const erased = await s.api(f.owner, '/api/privacy/recipients/erase', { body: { phone: customer } });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    for (const table of ['relay_identities', 'relay_inbound']) {
      expect(await s.database.query(`select 1 from ${table} where customer = $1`, [customer]), table).toHaveLength(0);
    }
  });

  it('G: relayed texts, captions, file names and profile names never land in a table, the queue or the logs', async () => {
    const { s, f, v2 } = r;
    const customer = kit.freshCustomer();
    const marker = `G-MARKER-${randomUUID()}`;
    await kit.customerWrites(s, v2.number, customer, `inbound ${marker}`, `Name ${marker}`);
    await kit.settledInbound(s, customer, 1);
    const chatId = await kit.chatIdOf(s, f.org, customer);
    const eventId = await kit.agentReplies(s, f.agent, chatId, { type: 'message', text: `outbound ${marker}` });
    expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'sent' });
    // A caption and a file name each way.
    await s.sandboxControl('/sandbox/phone/messages', {
      kind: 'sample',
      sample: 'pdf',
      caption: `caption ${marker}`,
      business: v2.number,
      customer,
    });
    await kit.settledInbound(s, customer, 2);
    const url = await kit.uploadFile(s, f.agent, `${marker}.pdf`, 'application/pdf', new Uint8Array(64).fill(1));
    const fileEvent = await kit.agentReplies(s, f.agent, chatId, { type: 'file', url });
    expect(await kit.outboundRow(s, fileEvent)).toMatchObject({ status: 'sent' });
    const events = await kit.chatEvents(s, f.org, customer);
    expect(events.filter((e) => e.text?.includes(marker) || (e as { name?: string }).name?.includes(marker)).length).toBeGreaterThanOrEqual(
      3,
    );
    const mediaUrls = events.filter((e) => e.type === 'file').map((e) => (e as { url?: string }).url!);
    const tables = JSON.stringify(await dumpTables(s.database));
    const queueTables = await s.database.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'pgboss' and table_type = 'BASE TABLE'`,
    );
    let queue = '';
    for (const { table_name } of queueTables) queue += JSON.stringify(await s.database.query(`select * from pgboss."${table_name}"`));
    expect(queueTables.length).toBeGreaterThan(0);
    expect(tables).not.toContain(marker);
    expect(queue).not.toContain(marker);
    expect(s.logs.join('\n')).not.toContain(marker);
    for (const url of mediaUrls) expect(s.logs.join('\n')).not.toContain(url);
  });

  it('E: after an uninstall the relay stops at once, and L.11b: deleting the business data removes its relay rows', async () => {
    const { s, f } = r;
    const bistro = s.orgs[1]!;
    const v1 = (await kit.connectRelay(s, bistro)).numbers[0]!;
    const customer = kit.freshCustomer();
    await kit.customerWrites(s, v1.number, customer, 'before the uninstall');
    const chatId = await kit.chatIdOf(s, bistro, customer);
    await s.database.query(`update organizations set status = 'uninstalled' where id = $1`, [bistro.id]);
    const agent = await s.token(bistro, 'agent');
    const eventId = await kit.agentReplies(s, agent, chatId, { type: 'message', text: 'after the uninstall' });
    // The one send path refuses it (the business lost access): nothing reaches the phone, and no bot speaks for it.
    expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'refused', error_code: 'account_closed' });
    expect(await kit.phoneReceived(s, v1.number, customer)).toHaveLength(0);
    expect((await kit.chatEvents(s, bistro, customer)).filter((e) => e.visibility === 'agents')).toHaveLength(0);
    // Its customers' messages are no longer relayed.
    await kit.customerWrites(s, v1.number, customer, 'after the uninstall');
    await new Promise((r) => setTimeout(r, 500));
    expect(await s.database.query('select 1 from relay_inbound where customer = $1', [customer])).toHaveLength(1);

    await s.database.query(`insert into business_data_deletions (organization_id, requested_by) values ($1, 'owner')`, [bistro.id]);
    expect(await s.services.privacy.business.deleteNow(bistro.id)).toBe(true);
    for (const table of ['relay_chats', 'relay_identities', 'relay_inbound', 'relay_outbound', 'relay_numbers', 'relay_authorizations']) {
      expect(await s.database.query(`select 1 from ${table} where organization_id = $1`, [bistro.id]), table).toHaveLength(0);
    }
    // Acme's relay is untouched.
    expect(await s.database.query('select 1 from relay_authorizations where organization_id = $1', [f.org.id])).toHaveLength(1);
  });
});
