import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { dumpTables, startStack, type Stack } from '../../test/stack.ts';
import { OPS_TEST_ENV, ops } from '../../test/ops-test-kit.ts';

describe.each(DB_KINDS)("a recipient's rights on %s", (kind) => {
  let s: Stack;
  let owner: string;
  let agent: string;
  let otherOwner: string;
  let numberId: string;
  let orgId: string;
  const phone = () => `+4860177${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
  const send = (to: string) =>
    s.api(agent, '/api/messages', {
      body: {
        kind: 'template',
        numberId,
        to,
        templateName: 'order_shipped',
        language: 'en_US',
        variables: ['a', 'b', 'c'],
        clientRef: crypto.randomUUID(),
      },
    });
  const lookup = (to: string, token = owner) => s.api(token, `/api/privacy/recipients?phone=${encodeURIComponent(to)}`);
  const balance = async () =>
    Number(
      (
        await s.database.query<{ n: string }>('select coalesce(sum(delta),0) as n from ledger_entries where organization_id = $1', [orgId])
      )[0]!.n,
    );

  beforeAll(async () => {
    s = await startStack(kind, { env: OPS_TEST_ENV });
    orgId = s.orgs[0]!.id;
    owner = await s.token(s.orgs[0]!, 'owner');
    agent = await s.token(s.orgs[0]!, 'agent');
    otherOwner = await s.token(s.orgs[1]!, 'owner');
    numberId = (await s.api(agent, '/api/numbers')).body.numbers[0].id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('L.11a: the owner, or an operator, sees what is held about one number; agents and other businesses do not', async () => {
    const to = phone();
    expect((await send(to)).status).toBe(201);
    const seen = await lookup(to);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ phone: to, erased: false, optOut: null, restriction: null });
    expect(seen.body.messages).toHaveLength(1);
    expect(seen.body.messages[0]).toMatchObject({ numberId, kind: 'template', templateName: expect.any(String), direction: 'outbound' });
    expect(seen.body.conversations).toHaveLength(1);
    expect(JSON.stringify(seen.body)).not.toMatch(/"a","b","c"/);

    const byOperator = await ops(s, `/businesses/${encodeURIComponent(orgId)}/recipients?phone=${encodeURIComponent(to)}`);
    expect(byOperator.status).toBe(200);
    expect(byOperator.body.messages).toHaveLength(1);
    expect(
      (await ops(s, `/businesses/${encodeURIComponent(orgId)}/recipients?phone=${encodeURIComponent(to)}`, { authorization: null })).status,
    ).toBe(401);
    expect((await ops(s, `/businesses/nope/recipients?phone=${encodeURIComponent(to)}`)).status).toBe(404);

    expect((await lookup(to, agent)).status).toBe(403);
    const other = await lookup(to, otherOwner);
    expect(other.body.messages).toHaveLength(0);
    expect(other.body.conversations).toHaveLength(0);
    expect((await lookup('not-a-phone')).status).toBe(400);
  });

  it('L.11b: erasing replaces the number by a keyed hash everywhere; the ledger is unchanged and an opt-out stays in force', async () => {
    const to = phone();
    expect((await send(to)).status).toBe(201);
    expect((await s.api(owner, '/api/privacy/recipients/withdraw-consent', { body: { phone: to } })).status).toBe(200);
    const before = await balance();
    const messagesBefore = (await s.database.query('select id from messages where organization_id = $1', [orgId])).length;

    const erased = await s.api(owner, '/api/privacy/recipients/erase', { body: { phone: to } });
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toMatchObject({ messages: 1, conversations: 1, opt_outs: 1 });
    expect(erased.body.data).toMatchObject({ phone: to, erased: true, optOut: { source: 'consent_withdrawn' } });
    expect(erased.body.data.messages).toHaveLength(1);

    // The number is nowhere any more; the hash is keyed (not a plain digest of the number).
    const dump = JSON.stringify(await dumpTables(s.database));
    expect(dump).not.toContain(to);
    expect(dump).not.toContain(to.slice(1));
    const hash = s.services.privacy.recipients.hasher.hash(orgId, to);
    expect(hash).toMatch(/^erased:[0-9a-f]{64}$/);
    expect(dump).toContain(hash);
    expect((await s.database.query('select id from messages where organization_id = $1', [orgId])).length).toBe(messagesBefore);
    expect(await balance()).toBe(before);

    // Still suppressed: one-on-one and campaign dispatch both refuse the erased number.
    const again = await send(to);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('opted_out');
    expect([...(await s.services.privacy.recipients.blockedAmong(s.database.db, orgId, [to, phone()])).keys()]).toEqual([to]);
    // A campaign-sized list takes the short cut (nothing hashed unless something was erased) and still finds it.
    const many = [...Array.from({ length: 700 }, phone).filter((p) => p !== to), to];
    expect([...(await s.services.privacy.recipients.blockedAmong(s.database.db, orgId, many)).keys()]).toEqual([to]);
    expect((await s.services.privacy.recipients.blockedAmong(s.database.db, s.orgs[1]!.id, many)).size).toBe(0);
    const status = await s.api(agent, `/api/conversations/status?numberId=${numberId}&to=${encodeURIComponent(to)}`);
    expect(status.body).toMatchObject({ optOut: { source: 'consent_withdrawn' }, canSendTemplates: false });
    // The suppression list and its CSV still work, and show no hash as if it were a number.
    const list = await s.api(owner, '/api/opt-outs?limit=200');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain('erased:');
    const csv = await fetch(`${s.bffUrl}/api/opt-outs/export`, { headers: { authorization: `Bearer ${owner}` } });
    expect(csv.status).toBe(200);
    expect(await csv.text()).not.toContain('erased:');
    const audit = await s.database.query<{ action: string; target_id: string }>(
      `select action, target_id from audit_events where organization_id = $1 and action like 'recipient.%'`,
      [orgId],
    );
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['recipient.consent_withdrawn', 'recipient.erased']));
    expect(audit.every((a) => a.target_id === hash)).toBe(true);

    // An operator erases the same way.
    const other = phone();
    expect((await send(other)).status).toBe(201);
    const byOps = await ops(s, `/businesses/${encodeURIComponent(orgId)}/recipients/erase`, { body: { phone: other } });
    expect(byOps.status).toBe(200);
    expect(byOps.body.erased.messages).toBe(1);
    expect((await s.api(agent, '/api/privacy/recipients/erase', { body: { phone: other } })).status).toBe(403);
  });

  it('L.11c: restricting processing stops further sends, by agents and campaigns, and keeps the reason until lifted', async () => {
    const to = phone();
    expect((await send(to)).status).toBe(201);
    const restricted = await s.api(owner, '/api/privacy/recipients/restrict', {
      body: { phone: to, reason: 'Customer objected by e-mail' },
    });
    expect(restricted.status).toBe(200);
    expect(restricted.body.restriction).toMatchObject({ reason: 'Customer objected by e-mail' });
    const refused = await send(to);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('recipient_restricted');
    // The check campaign dispatch runs for each batch.
    const blocked = await s.services.privacy.recipients.blockedAmong(s.database.db, orgId, [to]);
    expect(blocked.get(to)).toEqual({ code: 'restricted', reason: 'Customer objected by e-mail', at: expect.any(Date) });
    const many = [...Array.from({ length: 700 }, phone).filter((p) => p !== to), to];
    expect((await s.services.privacy.recipients.blockedAmong(s.database.db, orgId, many)).get(to)).toMatchObject({ code: 'restricted' });
    // The sidebar's status says so before the agent tries.
    const status = await s.api(agent, `/api/conversations/status?numberId=${numberId}&to=${encodeURIComponent(to)}`);
    expect(status.body).toMatchObject({
      restriction: { reason: 'Customer objected by e-mail' },
      canSendTemplates: false,
      canSendText: false,
    });
    expect((await s.api(owner, '/api/privacy/recipients/restrict', { body: { phone: to } })).status).toBe(400);

    // Erasure keeps the restriction in force under the hash.
    expect((await s.api(owner, '/api/privacy/recipients/erase', { body: { phone: to } })).status).toBe(200);
    expect((await send(to)).body.code).toBe('recipient_restricted');
    expect((await lookup(to)).body.restriction).toMatchObject({ reason: 'Customer objected by e-mail' });

    const lifted = await s.api(owner, '/api/privacy/recipients/unrestrict', { body: { phone: to } });
    expect(lifted.body.restriction).toBeNull();
    expect((await send(to)).status).toBe(201);

    const viaOps = phone();
    const r = await ops(s, `/businesses/${encodeURIComponent(orgId)}/recipients/restrict`, {
      body: { phone: viaOps, reason: 'Court order' },
    });
    expect(r.status).toBe(200);
    expect((await send(viaOps)).body.code).toBe('recipient_restricted');
  });

  it('L.11d: consent withdrawal is an opt-out (source consent_withdrawn) and stops sends', async () => {
    const to = phone();
    expect((await send(to)).status).toBe(201);
    const w = await s.api(owner, '/api/privacy/recipients/withdraw-consent', { body: { phone: to, reason: 'Phoned the shop' } });
    expect(w.status).toBe(200);
    expect(w.body.optOut).toMatchObject({ source: 'consent_withdrawn', reason: 'Phoned the shop' });
    const [row] = await s.database.query<{ source: string }>('select source from opt_outs where organization_id = $1 and recipient = $2', [
      orgId,
      to,
    ]);
    expect(row?.source).toBe('consent_withdrawn');
    const refused = await send(to);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('opted_out');
    const viaOps = await ops(s, `/businesses/${encodeURIComponent(orgId)}/recipients/withdraw-consent`, { body: { phone: phone() } });
    expect(viaOps.body.optOut).toMatchObject({ source: 'consent_withdrawn' });
  });
});
