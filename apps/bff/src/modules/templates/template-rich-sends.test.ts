import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Stack } from '../../test/stack.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { campaignOf, customer, poll, retryWithFile, upload } from '../../test/campaign-test-kit.ts';
import { templatesSuite } from '../../test/templates-suite.ts';

describe.each(DB_KINDS)('the template studio on %s, against the sandbox', (kind) => {
  let s: Stack;
  let owner: string;
  let agent: string;
  let number: { id: string; number: string; wabaId: string };
  const { start, uniqueName, uploadSample, richDraft, approvedRich, launchAndCollect, PNG } = templatesSuite(kind);

  beforeAll(async () => {
    ({ s, owner, agent, number } = await start());
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a send with a media header and a URL button carries Meta’s components to Kaleyra v2', async () => {
    const sample = await uploadSample();
    const name = uniqueName('rich_send');
    await s.api(owner, '/api/templates', { body: richDraft(name, sample.body.handle) });
    await s.sandboxControl(`/sandbox/kaleyra/templates/${number.wabaId}/${name}/status`, { status: 'APPROVED' });
    await s.api(agent, `/api/numbers/${number.id}/templates/sync`, { method: 'POST' });
    const to = customer();
    const base = { kind: 'template', numberId: number.id, to, templateName: name, language: 'en_US', variables: ['Ann', 'autumn'] };

    const missing = await s.api(agent, '/api/messages', {
      body: { ...base, clientRef: crypto.randomUUID(), headerMediaUrl: 'http://cdn.test/a.png' },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: any) => e.path).sort()).toEqual(['buttonValues.2', 'headerMediaUrl']);

    const sent = await s.api(agent, '/api/messages', {
      body: {
        ...base,
        clientRef: crypto.randomUUID(),
        headerMediaUrl: 'https://cdn.acme.test/autumn.png',
        buttonValues: ['interested-autumn', '', 'autumn-24'],
      },
    });
    expect(sent.status).toBe(201);
    const record = (await s.sandboxControl(`/sandbox/kaleyra/messages?ref=${sent.body.message.id}`)).messages[0];
    expect(record).toMatchObject({
      template_name: name,
      params: ['Ann', 'autumn'],
      header: { type: 'image', link: 'https://cdn.acme.test/autumn.png' },
      buttons: [
        { index: 0, sub_type: 'quick_reply', value: 'interested-autumn' },
        { index: 2, sub_type: 'url', value: 'autumn-24' },
      ],
    });
  });
  it('a campaign sends the rich template: a media link per recipient, checked row by row, a link ending for everyone', async () => {
    // Utility, so quiet hours (marketing only) do not hold the sends back whatever the time of day.
    const { name } = await approvedRich('rich_campaign', { category: 'utility' });
    const [a, b, bad] = [customer(), customer(), customer()];
    const csv = `phone,name,collection,image\n${a},Ann,autumn,https://cdn.acme.test/a.png\n${b},Bob,winter,https://cdn.acme.test/b.png\n${bad},Cy,spring,http://cdn.acme.test/c.png\n`;
    // Slots: {{1}}, {{2}}, the header image link, the link ending (quick replies come back with their labels).
    const up = await upload(
      s,
      owner,
      {
        numberId: number.id,
        name: 'Rich',
        templateName: name,
        variableColumns: ['name', 'collection', 'image', null],
        fallbacks: ['', '', '', 'autumn-24'],
      },
      csv,
    );
    expect(up.status).toBe(201);
    const id = up.body.campaign.id;
    expect(up.body.campaign.report).toMatchObject({ rows: 3, valid: 2, invalid: 1 });
    expect(JSON.stringify(up.body.campaign.report)).toContain('is not an https link');
    const sent = await launchAndCollect(id, name, 2);
    const toA = sent.find((m) => m.to === a)!;
    expect(toA).toMatchObject({ params: ['Ann', 'autumn'], header: { type: 'image', link: 'https://cdn.acme.test/a.png' } });
    expect(toA.buttons).toEqual([{ index: 2, sub_type: 'url', value: 'autumn-24' }]);
    expect(sent.find((m) => m.to === b)!.header.link).toBe('https://cdn.acme.test/b.png');
  });

  it('a campaign with a payload column carries each quick reply’s payload; a bad row is reported by its line', async () => {
    const { name } = await approvedRich('payload_campaign', { category: 'utility' });
    const [a, b, bad] = [customer(), customer(), customer()];
    const csv = [
      'phone,name,collection,image,lead',
      `${a},Ann,autumn,https://cdn.acme.test/a.png,lead-ann`,
      `${b},Bob,winter,https://cdn.acme.test/b.png,`,
      `${bad},Cy,spring,https://cdn.acme.test/c.png,${'x'.repeat(300)}`,
    ].join('\n');
    // Slots with payloads: {{1}}, {{2}}, the image link, then the buttons in order: “Interested”, “Stop”, the link ending.
    const up = await upload(
      s,
      owner,
      {
        numberId: number.id,
        name: 'Payloads',
        templateName: name,
        quickReplyPayloads: true,
        variableColumns: ['name', 'collection', 'image', 'lead', null, null],
        fallbacks: ['', '', '', 'lead-anyone', 'stop-campaign', 'autumn-24'],
      },
      csv,
    );
    expect(up.status).toBe(201);
    const id = up.body.campaign.id;
    expect(up.body.campaign.report).toMatchObject({ rows: 3, valid: 2, invalid: 1 });
    expect(up.body.campaign.report.rejected).toEqual([
      expect.objectContaining({
        line: 4,
        phone: bad,
        reason: expect.stringMatching(/“Interested” reply payload: longer than 256 characters/),
      }),
    ]);
    const sent = await launchAndCollect(id, name, 2);
    const toA = sent.find((m) => m.to === a)!;
    expect(toA).toMatchObject({ params: ['Ann', 'autumn'], header: { type: 'image', link: 'https://cdn.acme.test/a.png' } });
    expect(toA.buttons).toEqual([
      { index: 0, sub_type: 'quick_reply', value: 'lead-ann' },
      { index: 1, sub_type: 'quick_reply', value: 'stop-campaign' },
      { index: 2, sub_type: 'url', value: 'autumn-24' },
    ]);
    // An empty cell takes the value for the whole campaign.
    expect(sent.find((m) => m.to === b)!.buttons[0]).toEqual({ index: 0, sub_type: 'quick_reply', value: 'lead-anyone' });
  });

  it('retrying a campaign with payloads reads the file back into the same values, an empty payload as its label', async () => {
    const { name } = await approvedRich('payload_retry', { category: 'utility' });
    const a = customer();
    const csv = `phone,name,collection,image,lead\n${a},Ann,autumn,https://cdn.acme.test/a.png,lead-ann\n`;
    const fallbacks = ['', '', '', '', '', 'autumn-24'];
    const up = await upload(
      s,
      owner,
      {
        numberId: number.id,
        name: 'Payload retry',
        templateName: name,
        quickReplyPayloads: true,
        variableColumns: ['name', 'collection', 'image', 'lead', null, null],
        fallbacks,
      },
      csv,
    );
    expect(up.status).toBe(201);
    const id = up.body.campaign.id;
    // WhatsApp's marketing cap, a failure worth retrying.
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: '131049', number: number.number });
    expect((await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} })).status).toBe(200);
    await poll(
      () => campaignOf(s, owner, id),
      (c) => c.status === 'completed' && c.counts.failed === 1,
      30_000,
    );
    const retried = await retryWithFile(s, owner, id, csv, fallbacks);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ retried: 1, notInFile: 0 });
    const sent = await waitFor(
      async () => ((await s.sandboxControl('/sandbox/kaleyra/messages')).messages as any[]).filter((m) => m.template_name === name),
      (list) => list.length === 2,
      30_000,
    );
    for (const m of sent) {
      expect(m.buttons).toEqual([
        { index: 0, sub_type: 'quick_reply', value: 'lead-ann' },
        { index: 1, sub_type: 'quick_reply', value: 'Stop' },
        { index: 2, sub_type: 'url', value: 'autumn-24' },
      ]);
    }
  });

  it('a v1 number sends the v1 equivalent (mediatemplate, media_url, param_url) and refuses what v1 cannot carry', async () => {
    const bistroOwner = await s.token(s.orgs[1]!, 'owner');
    const bistroAgent = await s.token(s.orgs[1]!, 'agent');
    const v1 = (await s.api(bistroOwner, '/api/numbers')).body.numbers.find((n: any) => n.apiVersion === 'v1');
    await s.sandboxControl('/sandbox/kaleyra/templates/review-mode', { waba: v1.wabaId, mode: 'instant' });
    const res = await fetch(`${s.bffUrl}/api/templates/samples?numberId=${v1.id}&fileName=dish.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bistroOwner}`, 'content-type': 'image/png' },
      body: PNG,
    });
    const handle = ((await res.json()) as any).handle;
    const name = uniqueName('menu_v1');
    const made = await s.api(bistroOwner, '/api/templates', { body: { ...richDraft(name, handle), numberId: v1.id, category: 'utility' } });
    expect(made.body.template.status).toBe('approved');
    await s.api(bistroAgent, `/api/numbers/${v1.id}/templates/sync`, { method: 'POST' });
    const base = {
      kind: 'template',
      numberId: v1.id,
      to: customer(),
      templateName: name,
      language: 'en_US',
      variables: ['Ann', 'autumn'],
      headerMediaUrl: 'https://cdn.bistro.test/menu.png',
    };
    const refused = await s.api(bistroAgent, '/api/messages', {
      body: { ...base, clientRef: crypto.randomUUID(), buttonValues: ['yes', '', 'menu-1'] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toMatchObject({
      path: 'buttonValues.0',
      message: expect.stringMatching(/v1 API, which cannot set quick-reply payloads/),
    });
    const sent = await s.api(bistroAgent, '/api/messages', {
      body: { ...base, clientRef: crypto.randomUUID(), buttonValues: ['', '', 'menu-1'] },
    });
    expect(sent.status).toBe(201);
    const record = ((await s.sandboxControl('/sandbox/kaleyra/messages')).messages as any[]).find((m) => m.template_name === name);
    expect(record).toMatchObject({
      api_version: 'v1',
      params: ['Ann', 'autumn'],
      header: { type: 'media', link: 'https://cdn.bistro.test/menu.png' },
      buttons: [{ sub_type: 'url', value: 'menu-1' }],
    });
    // A campaign cannot ask v1 for payloads either: refused before anything is stored, naming the setting.
    const payloads = await upload(
      s,
      bistroOwner,
      {
        numberId: v1.id,
        templateName: name,
        quickReplyPayloads: true,
        variableColumns: [],
        fallbacks: ['Ann', 'autumn', 'https://cdn.bistro.test/menu.png', 'yes', 'no', 'menu-1'],
      },
      `phone\n${customer()}\n`,
    );
    expect(payloads.status).toBe(400);
    expect(payloads.body.errors).toEqual([
      { path: 'quickReplyPayloads', message: expect.stringMatching(/v1 API, which cannot set quick-reply payloads/) },
    ]);
  });

  it('F.4: the opt-out copy of a marketing template keeps its image header and URL button, and is sendable', async () => {
    // No Stop quick reply: the template does not tell the customer how to opt out by itself.
    const { name, handle } = await approvedRich('winter_drop', {
      buttons: [{ type: 'url', text: 'Shop now', url: 'https://shop.acme.test/c/{{1}}', sample: 'winter' }],
    });

    const on = await s.api(owner, `/api/numbers/${number.id}/opt-out-instruction`, {
      method: 'PUT',
      body: { enabled: true, instruction: 'Reply STOP to opt out' },
    });
    expect(on.status).toBe(200);
    try {
      const state = on.body.templates.find((t: any) => t.name === name);
      // Reviewed like any new template: pending until WhatsApp (the sandbox's control call) approves it.
      expect(state).toMatchObject({ state: 'waiting' });
      const copyName = on.body.copies.map((c: any) => c.name).find((n: string) => n.startsWith(`${name}_optout_`));
      const atKaleyra = (await (
        await fetch(`${s.sandboxUrl}/v2/${s.config.KALEYRA_SID}/whatsapp/${number.wabaId}/message_templates?name=${copyName}`, {
          headers: { 'api-key': s.config.KALEYRA_API_KEY },
        })
      ).json()) as any;
      expect(atKaleyra.data[0].components).toEqual([
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: [handle] } },
        { type: 'BODY', text: 'Hi {{1}}, the new {{2}} collection is here.', example: { body_text: [['Ann', 'autumn']] } },
        { type: 'FOOTER', text: 'Acme Shoes · Reply STOP to opt out' },
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop now', url: 'https://shop.acme.test/c/{{1}}', example: ['winter'] }] },
      ]);
      await s.sandboxControl(`/sandbox/kaleyra/templates/${number.wabaId}/${copyName}/status`, { status: 'APPROVED' });
      await s.api(owner, `/api/numbers/${number.id}/templates/sync`, { method: 'POST' });

      const sent = await s.api(agent, '/api/messages', {
        body: {
          kind: 'template',
          numberId: number.id,
          to: customer(),
          templateName: name,
          language: 'en_US',
          variables: ['Ann', 'winter'],
          headerMediaUrl: 'https://cdn.acme.test/w.png',
          buttonValues: ['winter-24'],
          clientRef: crypto.randomUUID(),
        },
      });
      expect(sent.status).toBe(201);
      expect(sent.body.message.templateName).toBe(copyName);
      const record = ((await s.sandboxControl('/sandbox/kaleyra/messages')).messages as any[]).find((m) => m.template_name === copyName);
      expect(record).toMatchObject({
        params: ['Ann', 'winter'],
        header: { type: 'image', link: 'https://cdn.acme.test/w.png' },
        buttons: [{ index: 0, sub_type: 'url', value: 'winter-24' }],
      });
    } finally {
      await s.api(owner, `/api/numbers/${number.id}/opt-out-instruction`, {
        method: 'PUT',
        body: { enabled: false, instruction: 'Reply STOP to opt out' },
      });
    }
  });

  // Last: it uses up the account's hourly creates.
});
