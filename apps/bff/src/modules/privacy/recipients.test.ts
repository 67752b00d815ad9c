import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { dumpTables } from '../../test/stack.ts';
import { OPS_TEST_ENV, balanceOf, ops } from '../../test/ops-test-kit.ts';
import { sendingSuite } from '../../test/messaging-test-kit.ts';

describe.each(DB_KINDS)("a recipient's rights on %s", (kind) => {
  const t = sendingSuite(kind, { env: OPS_TEST_ENV });
  const phone = () => `+4860177${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
  const send = (to: string) => t.send(to, { variables: ['a', 'b', 'c'] });
  const lookup = (to: string, token = t.owner) => t.s.api(token, `/api/privacy/recipients?phone=${encodeURIComponent(to)}`);
  const balance = () => balanceOf(t.s, t.orgId);

  it('L.11a: the owner, or an operator, sees what is held about one number; agents and other businesses do not', async () => {
    const to = phone();
    expect((await send(to)).status).toBe(201);
    const seen = await lookup(to);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ phone: to, erased: false, optOut: null, restriction: null });
    expect(seen.body.messages).toHaveLength(1);
    expect(seen.body.messages[0]).toMatchObject({
      numberId: t.numberId,
      kind: 'template',
      templateName: expect.any(String),
      direction: 'outbound',
    });
    expect(seen.body.conversations).toHaveLength(1);
    expect(JSON.stringify(seen.body)).not.toMatch(/"a","b","c"/);

    const byOperator = await ops(t.s, `/businesses/${encodeURIComponent(t.orgId)}/recipients?phone=${encodeURIComponent(to)}`);
    expect(byOperator.status).toBe(200);
    expect(byOperator.body.messages).toHaveLength(1);
    expect(
      (await ops(t.s, `/businesses/${encodeURIComponent(t.orgId)}/recipients?phone=${encodeURIComponent(to)}`, { authorization: null }))
        .status,
    ).toBe(401);
    expect((await ops(t.s, `/businesses/nope/recipients?phone=${encodeURIComponent(to)}`)).status).toBe(404);

    expect((await lookup(to, t.agent)).status).toBe(403);
    const other = await lookup(to, t.other.owner);
    expect(other.body.messages).toHaveLength(0);
    expect(other.body.conversations).toHaveLength(0);
    expect((await lookup('not-a-phone')).status).toBe(400);
  });

  it('L.11b: erasing replaces the number by a keyed hash everywhere; the ledger is unchanged and an opt-out stays in force', async () => {
    const to = phone();
    expect((await send(to)).status).toBe(201);
    expect((await t.s.api(t.owner, '/api/privacy/recipients/withdraw-consent', { body: { phone: to } })).status).toBe(200);
    const before = await balance();
    const messagesBefore = (await t.s.database.query('select id from messages where organization_id = $1', [t.orgId])).length;

    const erased = await t.s.api(t.owner, '/api/privacy/recipients/erase', { body: { phone: to } });
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toMatchObject({ messages: 1, conversations: 1, opt_outs: 1 });
    expect(erased.body.data).toMatchObject({ phone: to, erased: true, optOut: { source: 'consent_withdrawn' } });
    expect(erased.body.data.messages).toHaveLength(1);

    // The number is nowhere any more; the hash is keyed (not a plain digest of the number).
    const dump = JSON.stringify(await dumpTables(t.s.database));
    expect(dump).not.toContain(to);
    expect(dump).not.toContain(to.slice(1));
    const hash = t.s.services.privacy.recipients.hasher.hash(t.orgId, to);
    expect(hash).toMatch(/^erased:[0-9a-f]{64}$/);
    expect(dump).toContain(hash);
    expect((await t.s.database.query('select id from messages where organization_id = $1', [t.orgId])).length).toBe(messagesBefore);
    expect(await balance()).toBe(before);

    // Still suppressed: one-on-one and campaign dispatch both refuse the erased number.
    const again = await send(to);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('opted_out');
    expect([...(await t.s.services.privacy.recipients.blockedAmong(t.s.database.db, t.orgId, [to, phone()])).keys()]).toEqual([to]);
    // A campaign-sized list takes the short cut (nothing hashed unless something was erased) and still finds it.
    const many = [...Array.from({ length: 700 }, phone).filter((p) => p !== to), to];
    expect([...(await t.s.services.privacy.recipients.blockedAmong(t.s.database.db, t.orgId, many)).keys()]).toEqual([to]);
    expect((await t.s.services.privacy.recipients.blockedAmong(t.s.database.db, t.s.orgs[1]!.id, many)).size).toBe(0);
    const status = await t.s.api(t.agent, `/api/conversations/status?numberId=${t.numberId}&to=${encodeURIComponent(to)}`);
    expect(status.body).toMatchObject({ optOut: { source: 'consent_withdrawn' }, canSendTemplates: false });
    // The suppression list and its CSV still work, and show no hash as if it were a number.
    const list = await t.s.api(t.owner, '/api/opt-outs?limit=200');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain('erased:');
    const csv = await fetch(`${t.s.bffUrl}/api/opt-outs/export`, { headers: { authorization: `Bearer ${t.owner}` } });
    expect(csv.status).toBe(200);
    expect(await csv.text()).not.toContain('erased:');
    const audit = await t.s.database.query<{ action: string; target_id: string }>(
      `select action, target_id from audit_events where organization_id = $1 and action like 'recipient.%'`,
      [t.orgId],
    );
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['recipient.consent_withdrawn', 'recipient.erased']));
    expect(audit.every((a) => a.target_id === hash)).toBe(true);

    // An operator erases the same way.
    const other = phone();
    expect((await send(other)).status).toBe(201);
    const byOps = await ops(t.s, `/businesses/${encodeURIComponent(t.orgId)}/recipients/erase`, { body: { phone: other } });
    expect(byOps.status).toBe(200);
    expect(byOps.body.erased.messages).toBe(1);
    expect((await t.s.api(t.agent, '/api/privacy/recipients/erase', { body: { phone: other } })).status).toBe(403);
  });

  it('L.11c: restricting processing stops further sends, by agents and campaigns, and keeps the reason until lifted', async () => {
    const to = phone();
    expect((await send(to)).status).toBe(201);
    const restricted = await t.s.api(t.owner, '/api/privacy/recipients/restrict', {
      body: { phone: to, reason: 'Customer objected by e-mail' },
    });
    expect(restricted.status).toBe(200);
    expect(restricted.body.restriction).toMatchObject({ reason: 'Customer objected by e-mail' });
    const refused = await send(to);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('recipient_restricted');
    // The check campaign dispatch runs for each batch.
    const blocked = await t.s.services.privacy.recipients.blockedAmong(t.s.database.db, t.orgId, [to]);
    expect(blocked.get(to)).toEqual({ code: 'restricted', reason: 'Customer objected by e-mail', at: expect.any(Date) });
    const many = [...Array.from({ length: 700 }, phone).filter((p) => p !== to), to];
    expect((await t.s.services.privacy.recipients.blockedAmong(t.s.database.db, t.orgId, many)).get(to)).toMatchObject({
      code: 'restricted',
    });
    // The sidebar's status says so before the agent tries.
    const status = await t.s.api(t.agent, `/api/conversations/status?numberId=${t.numberId}&to=${encodeURIComponent(to)}`);
    expect(status.body).toMatchObject({
      restriction: { reason: 'Customer objected by e-mail' },
      canSendTemplates: false,
      canSendText: false,
    });
    expect((await t.s.api(t.owner, '/api/privacy/recipients/restrict', { body: { phone: to } })).status).toBe(400);

    // Erasure keeps the restriction in force under the hash.
    expect((await t.s.api(t.owner, '/api/privacy/recipients/erase', { body: { phone: to } })).status).toBe(200);
    expect((await send(to)).body.code).toBe('recipient_restricted');
    expect((await lookup(to)).body.restriction).toMatchObject({ reason: 'Customer objected by e-mail' });

    const lifted = await t.s.api(t.owner, '/api/privacy/recipients/unrestrict', { body: { phone: to } });
    expect(lifted.body.restriction).toBeNull();
    expect((await send(to)).status).toBe(201);

    const viaOps = phone();
    const r = await ops(t.s, `/businesses/${encodeURIComponent(t.orgId)}/recipients/restrict`, {
      body: { phone: viaOps, reason: 'Court order' },
    });
    expect(r.status).toBe(200);
    expect((await send(viaOps)).body.code).toBe('recipient_restricted');
  });

  it('L.11d: consent withdrawal is an opt-out (source consent_withdrawn) and stops sends', async () => {
    const to = phone();
    expect((await send(to)).status).toBe(201);
    const w = await t.s.api(t.owner, '/api/privacy/recipients/withdraw-consent', { body: { phone: to, reason: 'Phoned the shop' } });
    expect(w.status).toBe(200);
    expect(w.body.optOut).toMatchObject({ source: 'consent_withdrawn', reason: 'Phoned the shop' });
    const [row] = await t.s.database.query<{ source: string }>(
      'select source from opt_outs where organization_id = $1 and recipient = $2',
      [t.orgId, to],
    );
    expect(row?.source).toBe('consent_withdrawn');
    const refused = await send(to);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('opted_out');
    const viaOps = await ops(t.s, `/businesses/${encodeURIComponent(t.orgId)}/recipients/withdraw-consent`, { body: { phone: phone() } });
    expect(viaOps.body.optOut).toMatchObject({ source: 'consent_withdrawn' });
  });
});
