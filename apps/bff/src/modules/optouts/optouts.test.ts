import { beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { sendingSuite, sendTemplate } from '../../test/messaging-test-kit.ts';

describe.each(DB_KINDS)('the suppression list (F.4) on %s', (kind) => {
  const t = sendingSuite(kind);
  const send = (to: string, token = t.agent) => sendTemplate(t.s, token, t.numberId, to, { variables: ['a', 'b', 'c'] });

  it('only owners and admins manage it', async () => {
    expect((await t.s.api(t.agent, '/api/opt-outs')).status).toBe(403);
    expect((await t.s.api(t.agent, '/api/opt-outs', { body: { recipient: '+48601555001', reason: 'x' } })).status).toBe(403);
    expect((await t.s.api(t.agent, '/api/opt-outs/+48601555001', { method: 'DELETE' })).status).toBe(403);
    expect((await t.s.api(t.agent, '/api/opt-outs/export')).status).toBe(403);
    expect((await t.s.api(t.agent, '/api/opt-outs/import', { body: { csv: '+48601555001' } })).status).toBe(403);
  });

  it('F.4: an owner adds a customer with a reason; sends to them are refused until the owner removes them', async () => {
    const to = '+48601555002';
    const noReason = await t.s.api(t.owner, '/api/opt-outs', { body: { recipient: to, reason: '  ' } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('reason');
    const added = await t.s.api(t.owner, '/api/opt-outs', { body: { recipient: to, reason: 'Complained by email' } });
    expect(added.status).toBe(201);
    expect(added.body.optOut).toMatchObject({
      recipient: to,
      source: 'manual',
      reason: 'Complained by email',
      createdBy: expect.any(String),
    });
    // Adding again keeps the first record.
    const again = await t.s.api(t.owner, '/api/opt-outs', { body: { recipient: to, reason: 'other' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, optOut: { reason: 'Complained by email' } });

    const refused = await send(to);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('opted_out');

    const removed = await t.s.api(t.owner, `/api/opt-outs/${encodeURIComponent(to)}`, { method: 'DELETE' });
    expect(removed.body).toEqual({ removed: true });
    expect((await t.s.api(t.owner, `/api/opt-outs/${encodeURIComponent(to)}`, { method: 'DELETE' })).body).toEqual({ removed: false });
    expect((await send(to)).status).toBe(201);
  });

  it('search finds numbers by any part of them, pages, and stays within the organization', async () => {
    for (const n of ['+48601777001', '+48601777002', '+48601777003', '+442079460111']) {
      await t.s.api(t.owner, '/api/opt-outs', { body: { recipient: n, reason: 'batch' } });
    }
    const found = (await t.s.api(t.owner, `/api/opt-outs?q=${encodeURIComponent('601 777')}`)).body;
    expect(found.total).toBe(3);
    expect(found.optOuts.map((o: any) => o.recipient).sort()).toEqual(['+48601777001', '+48601777002', '+48601777003']);
    expect(found.keywords.optOut).toContain('STOP');
    expect(found.keywords.optIn).toContain('START');
    const page = (await t.s.api(t.owner, '/api/opt-outs?q=601777&limit=2&offset=2')).body;
    expect(page).toMatchObject({ total: 3 });
    expect(page.optOuts).toHaveLength(1);
    expect((await t.s.api(t.other.owner, '/api/opt-outs?q=601777')).body.total).toBe(0);
  });

  it('imports a CSV, reporting bad rows by line; with "reject" nothing is imported', async () => {
    const csv = 'phone,reason\n+48 601 888 001,from CRM\n601888002,no plus\n+48601888003,\nnot a number,x\n';
    const rejected = await t.s.api(t.owner, '/api/opt-outs/import', { body: { csv } });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ rows: 4, added: 0, imported: false });
    expect(rejected.body.invalid.map((e: any) => e.line)).toEqual([3, 5]);
    expect(rejected.body.invalid[0].message).toMatch(/country code/);
    expect((await t.s.api(t.owner, '/api/opt-outs?q=601888')).body.total).toBe(0);

    const skipped = await t.s.api(t.owner, '/api/opt-outs/import', {
      body: { csv, onInvalidRows: 'skip', defaultReason: 'Imported list' },
    });
    expect(skipped.body).toMatchObject({ rows: 4, added: 2, alreadyListed: 0, imported: true });
    const list = (await t.s.api(t.owner, '/api/opt-outs?q=601888')).body.optOuts;
    expect(Object.fromEntries(list.map((o: any) => [o.recipient, [o.source, o.reason]]))).toEqual({
      '+48601888001': ['import', 'from CRM'],
      '+48601888003': ['import', 'Imported list'],
    });
    expect((await send('+48601888003')).body.code).toBe('opted_out');
    const twice = await t.s.api(t.owner, '/api/opt-outs/import', { body: { csv: '+48601888001\n+48601888004\n' } });
    expect(twice.body).toMatchObject({ added: 1, alreadyListed: 1, invalid: [] });

    const empty = await t.s.api(t.owner, '/api/opt-outs/import', { body: { csv: '\n\n' } });
    expect(empty.status).toBe(400);
  });

  it('exports the whole list as CSV that imports back unchanged', async () => {
    const exported = (await t.s.api(t.owner, '/api/opt-outs/export')).body;
    const total = (await t.s.api(t.owner, '/api/opt-outs')).body.total;
    expect(exported.count).toBe(total);
    expect(exported.filename).toMatch(/^whatsapp-opt-outs-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = exported.csv.trim().split('\r\n');
    expect(lines[0]).toBe('phone,reason,source,opted_out_at,added_by');
    expect(lines).toHaveLength(total + 1);
    // Into another organization: same numbers, same reasons.
    const r = await t.s.api(t.other.owner, '/api/opt-outs/import', { body: { csv: exported.csv } });
    expect(r.body).toMatchObject({ added: total, invalid: [], imported: true });
  });
});

describe('the opt-out instruction of marketing templates, per number (F.4)', () => {
  const t = sendingSuite('pglite');
  const kaleyra = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${t.s.sandboxUrl}/v2/${t.s.config.KALEYRA_SID}/whatsapp/${t.wabaId}/message_templates${path}`, {
      method: init.method ?? 'GET',
      headers: { 'api-key': t.s.config.KALEYRA_API_KEY, 'content-type': 'application/json' },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    }).then((r) => r.json() as Promise<any>);
  const send = (templateName: string, variables: string[]) =>
    t.send(`+4860199${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`, { templateName, variables });

  beforeAll(async () => {
    // A marketing template that does not tell the customer how to opt out.
    await kaleyra('', {
      method: 'POST',
      body: {
        name: 'autumn_sale',
        language: 'en_US',
        category: 'MARKETING',
        components: [
          { type: 'BODY', text: 'Hi {{1}}, autumn sale: {{2}} off.' },
          { type: 'FOOTER', text: 'Acme Shoes' },
        ],
      },
    });
    await t.s.api(t.agent, `/api/numbers/${t.numberId}/templates/sync`, { method: 'POST' });
  });

  it('is off by default: marketing templates go out as they are', async () => {
    const st = (await t.s.api(t.agent, `/api/numbers/${t.numberId}/opt-out-instruction`)).body;
    expect(st).toMatchObject({ enabled: false, instruction: 'Reply STOP to unsubscribe', copies: [] });
    // spring_sale has a Stop quick reply of its own.
    expect(st.templates.find((tpl: any) => tpl.name === 'spring_sale')).toMatchObject({ state: 'own', blockedReason: null });
    expect(st.templates.find((tpl: any) => tpl.name === 'autumn_sale')).toMatchObject({ state: 'missing', blockedReason: null });
    const r = await send('autumn_sale', ['Ann', '30%']);
    expect(r.status).toBe(201);
    expect(r.body.message.templateName).toBe('autumn_sale');
  });

  it('only owners turn it on; the instruction fits a WhatsApp footer', async () => {
    expect(
      (
        await t.s.api(t.agent, `/api/numbers/${t.numberId}/opt-out-instruction`, {
          method: 'PUT',
          body: { enabled: true, instruction: 'x' },
        })
      ).status,
    ).toBe(403);
    const long = await t.s.api(t.owner, `/api/numbers/${t.numberId}/opt-out-instruction`, {
      method: 'PUT',
      body: { enabled: true, instruction: 'x'.repeat(61) },
    });
    expect(long.status).toBe(400);
    expect(long.body.errors[0].path).toBe('instruction');
  });

  it('F.4: turned on, each marketing template without an instruction goes out as an approved copy that carries it', async () => {
    const r = await t.s.api(t.owner, `/api/numbers/${t.numberId}/opt-out-instruction`, {
      method: 'PUT',
      body: { enabled: true, instruction: 'Reply STOP to opt out' },
    });
    expect(r.status).toBe(200);
    const autumn = r.body.templates.find((tpl: any) => tpl.name === 'autumn_sale');
    expect(autumn).toMatchObject({
      state: 'added',
      blockedReason: null,
      sendsAs: expect.stringMatching(/^autumn_sale_optout_[0-9a-f]{6}$/),
    });
    expect(r.body.templates.find((tpl: any) => tpl.name === 'spring_sale').state).toBe('own');
    expect(r.body.copies).toEqual([{ name: autumn.sendsAs, language: 'en_US' }]);
    // The copy submitted to WhatsApp: same body, the instruction in the footer.
    const copy = (await kaleyra(`?name=${autumn.sendsAs}`)).data[0];
    expect(copy.category).toBe('MARKETING');
    expect(copy.components.find((c: any) => c.type === 'FOOTER').text).toBe('Acme Shoes · Reply STOP to opt out');
    expect(copy.components.find((c: any) => c.type === 'BODY').text).toBe('Hi {{1}}, autumn sale: {{2}} off.');

    const sent = await send('autumn_sale', ['Ann', '30%']);
    expect(sent.status).toBe(201);
    expect(sent.body.message.templateName).toBe(autumn.sendsAs);
    const atKaleyra = (await t.s.sandboxControl(`/sandbox/kaleyra/messages?ref=${sent.body.message.id}`)).messages[0];
    expect(atKaleyra.template_name).toBe(autumn.sendsAs);
    // Other categories are untouched.
    expect((await send('order_shipped', ['a', 'b', 'c'])).body.message.templateName).toBe('order_shipped');
  });

  it('F.4: while WhatsApp reviews the copy, the template cannot be sent from this number, and the agent is told why', async () => {
    const st = (await t.s.api(t.agent, `/api/numbers/${t.numberId}/opt-out-instruction`)).body;
    const copy = st.templates.find((tpl: any) => tpl.name === 'autumn_sale').sendsAs;
    await t.s.sandboxControl(`/sandbox/kaleyra/templates/${t.wabaId}/${copy}/status`, { status: 'PENDING' });
    await t.s.api(t.agent, `/api/numbers/${t.numberId}/templates/sync`, { method: 'POST' });
    const waiting = (await t.s.api(t.agent, `/api/numbers/${t.numberId}/opt-out-instruction`)).body.templates.find(
      (tpl: any) => tpl.name === 'autumn_sale',
    );
    expect(waiting).toMatchObject({
      state: 'waiting',
      sendsAs: null,
      blockedReason: expect.stringMatching(/waiting for WhatsApp to review/),
    });
    const r = await send('autumn_sale', ['Ann', '30%']);
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('template_not_approved');
    expect(r.body.detail).toMatch(/Reply STOP to opt out/);

    await t.s.sandboxControl(`/sandbox/kaleyra/templates/${t.wabaId}/${copy}/status`, { status: 'APPROVED' });
    await t.s.api(t.agent, `/api/numbers/${t.numberId}/templates/sync`, { method: 'POST' });
    expect((await send('autumn_sale', ['Ann', '30%'])).status).toBe(201);
  });

  it('a new marketing template gets its copy at the next sync; turned off, originals go out again', async () => {
    await kaleyra('', {
      method: 'POST',
      body: {
        name: 'black_friday',
        language: 'en_US',
        category: 'MARKETING',
        components: [{ type: 'BODY', text: 'Hi {{1}}, Black Friday is here.' }],
      },
    });
    await t.s.api(t.agent, `/api/numbers/${t.numberId}/templates/sync`, { method: 'POST' });
    const st = (await t.s.api(t.agent, `/api/numbers/${t.numberId}/opt-out-instruction`)).body;
    expect(st.templates.find((tpl: any) => tpl.name === 'black_friday')).toMatchObject({ state: 'added' });

    const off = await t.s.api(t.owner, `/api/numbers/${t.numberId}/opt-out-instruction`, {
      method: 'PUT',
      body: { enabled: false, instruction: 'Reply STOP to opt out' },
    });
    expect(off.body.enabled).toBe(false);
    expect(off.body.copies).toHaveLength(2);
    expect((await send('black_friday', ['Ann'])).body.message.templateName).toBe('black_friday');
  });
});
