import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from '../../test/stack.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { campaignOf, customer, poll, retryWithFile, upload, waitForStatus } from '../../test/campaign-test-kit.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe.each(DB_KINDS)('the template studio on %s, against the sandbox', (kind) => {
  let s: Stack;
  let owner: string;
  let agent: string;
  let number: { id: string; number: string; wabaId: string };
  let seq = 0;
  const uniqueName = (base: string) => `${base}_${kind}_${Date.now().toString(36)}_${seq++}`;

  const uploadSample = async (token = owner) => {
    const res = await fetch(`${s.bffUrl}/api/templates/samples?numberId=${number.id}&fileName=shoe.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const richDraft = (name: string, handle: string) => ({
    numberId: number.id,
    name,
    language: 'en_US',
    category: 'marketing',
    header: { type: 'image', sampleHandle: handle },
    body: 'Hi {{1}}, the new {{2}} collection is here.',
    bodySamples: ['Ann', 'autumn'],
    footer: 'Acme Shoes',
    buttons: [
      { type: 'quick_reply', text: 'Interested' },
      { type: 'quick_reply', text: 'Stop' },
      { type: 'url', text: 'Shop now', url: 'https://shop.acme.test/c/{{1}}', sample: 'autumn' },
    ],
  });
  const listed = async (name: string) => ((await s.api(owner, '/api/templates')).body.templates as any[]).find((t) => t.name === name);
  /** Creates a rich template (with a fresh sample), has WhatsApp approve it and syncs. */
  const approvedRich = async (base: string, overrides: Record<string, unknown> = {}) => {
    const sample = await uploadSample();
    const name = uniqueName(base);
    expect((await s.api(owner, '/api/templates', { body: { ...richDraft(name, sample.body.handle), ...overrides } })).status).toBe(201);
    await s.sandboxControl(`/sandbox/kaleyra/templates/${number.wabaId}/${name}/status`, { status: 'APPROVED' });
    await s.api(owner, `/api/numbers/${number.id}/templates/sync`, { method: 'POST' });
    return { name, handle: sample.body.handle as string };
  };
  /** Launches a checked campaign, waits for its end, and returns what Kaleyra received of the template. */
  const launchAndCollect = async (id: string, name: string, count: number) => {
    expect((await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} })).status).toBe(200);
    expect(await waitForStatus(s, owner, id, ['completed', 'paused', 'cancelled'])).toMatchObject({ status: 'completed' });
    return waitFor(
      async () => ((await s.sandboxControl('/sandbox/kaleyra/messages')).messages as any[]).filter((m) => m.template_name === name),
      (list) => list.length === count,
      30_000,
    );
  };

  beforeAll(async () => {
    s = await startStack(kind, { workers: true, sandbox: { kaleyraCallbackDelayMs: 20 } });
    owner = await s.token(s.orgs[0]!, 'owner');
    agent = await s.token(s.orgs[0]!, 'agent');
    number = (await s.api(owner, '/api/numbers')).body.numbers.find((n: any) => n.apiVersion === 'v2');
    // Meta's review: new templates stay pending until the control endpoint decides.
    await s.sandboxControl('/sandbox/kaleyra/templates/review-mode', { waba: number.wabaId, mode: 'manual' });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('creates a rich template that stays pending; the sandbox approves it and sync marks it approved', async () => {
    const sample = await uploadSample();
    expect(sample.status).toBe(201);
    const name = uniqueName('autumn_drop');
    const created = await s.api(owner, '/api/templates', { body: richDraft(name, sample.body.handle) });
    expect(created.status).toBe(201);
    expect(created.body.template).toMatchObject({ name, status: 'pending', category: 'marketing', bodySamples: ['Ann', 'autumn'] });
    expect(created.body.template.content).toMatchObject({
      headerFormat: 'image',
      buttons: [{ type: 'quick_reply' }, { type: 'quick_reply' }, { type: 'url', dynamic: true }],
    });
    // Kaleyra received Meta's template object with the samples.
    const atKaleyra = (await (
      await fetch(`${s.sandboxUrl}/v2/${s.config.KALEYRA_SID}/whatsapp/${number.wabaId}/message_templates?name=${name}`, {
        headers: { 'api-key': s.config.KALEYRA_API_KEY },
      })
    ).json()) as any;
    expect(atKaleyra.data[0]).toMatchObject({ status: 'PENDING', category: 'MARKETING' });
    expect(atKaleyra.data[0].components[0]).toEqual({ type: 'HEADER', format: 'IMAGE', example: { header_handle: [sample.body.handle] } });

    await s.sandboxControl(`/sandbox/kaleyra/templates/${number.wabaId}/${name}/status`, { status: 'APPROVED' });
    expect((await listed(name)).status).toBe('pending');
    const synced = await s.api(owner, '/api/templates/sync', { method: 'POST' });
    expect(synced.status).toBe(200);
    expect((await listed(name)).status).toBe('approved');
    const audit = JSON.stringify((await s.api(owner, '/api/audit')).body);
    expect(audit).toContain('template.submitted');
    expect(audit).toContain('template.status_changed');
  });

  it('approves after a delay in the sandbox’s delayed review, seen by the periodic sync', async () => {
    await s.sandboxControl('/sandbox/kaleyra/templates/review-mode', { waba: number.wabaId, mode: 'delayed', delay_ms: 200 });
    const name = uniqueName('delayed');
    const created = await s.api(owner, '/api/templates', {
      body: { numberId: number.id, name, language: 'en_US', category: 'utility', body: 'Your table is ready.' },
    });
    expect(created.body.template.status).toBe('pending');
    await waitFor(
      async () => {
        await s.services.numbers.syncNumber((await s.services.numbers.get(s.orgs[0]!.id, number.id))!);
        return listed(name);
      },
      (t) => t?.status === 'approved',
    );
    await s.sandboxControl('/sandbox/kaleyra/templates/review-mode', { waba: number.wabaId, mode: 'manual' });
  });

  it('shows WhatsApp’s reason when the sandbox rejects a template', async () => {
    const name = uniqueName('teaser');
    await s.api(owner, '/api/templates', {
      body: {
        numberId: number.id,
        name,
        language: 'en_US',
        category: 'marketing',
        body: 'Hi {{1}}, something big is coming.',
        bodySamples: ['Ann'],
      },
    });
    await s.sandboxControl(`/sandbox/kaleyra/templates/${number.wabaId}/${name}/status`, {
      status: 'REJECTED',
      rejected_reason: 'TAG_CONTENT_MISMATCH',
    });
    await s.api(owner, '/api/templates/sync', { method: 'POST' });
    expect(await listed(name)).toMatchObject({ status: 'rejected', rejectedReason: 'TAG_CONTENT_MISMATCH', bodySamples: ['Ann'] });
  });

  it('a double submission creates one template; the same name and language with other content is refused', async () => {
    const name = uniqueName('twice');
    const draft = {
      numberId: number.id,
      name,
      language: 'en_US',
      category: 'utility',
      body: 'Your order {{1}} is ready.',
      bodySamples: ['A-1'],
    };
    const [a, b] = await Promise.all([s.api(owner, '/api/templates', { body: draft }), s.api(owner, '/api/templates', { body: draft })]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const atKaleyra = (await (
      await fetch(`${s.sandboxUrl}/v2/${s.config.KALEYRA_SID}/whatsapp/${number.wabaId}/message_templates?name=${name}`, {
        headers: { 'api-key': s.config.KALEYRA_API_KEY },
      })
    ).json()) as any;
    expect(atKaleyra.data).toHaveLength(1);
    const other = await s.api(owner, '/api/templates', { body: { ...draft, body: 'Your order {{1}} has shipped.' } });
    expect(other.status).toBe(409);
    expect(other.body.errors[0]).toMatchObject({ path: 'name' });
    // Another language of the same name is a new template.
    expect((await s.api(owner, '/api/templates', { body: { ...draft, language: 'pl', body: 'Zamówienie {{1}} gotowe.' } })).status).toBe(
      201,
    );
  });

  it('refuses a draft that breaks Meta’s rules, field by field, and sends nothing to Kaleyra', async () => {
    const name = uniqueName('broken');
    const r = await s.api(owner, '/api/templates', {
      body: {
        numberId: number.id,
        name,
        language: 'en_US',
        category: 'marketing',
        body: '{{1}} is here',
        footer: 'Bye {{1}}',
        buttons: [{ type: 'url', text: 'Go', url: 'http://x.test' }],
      },
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['body', 'footer', 'buttons.0.url']));
    const atKaleyra = (await (
      await fetch(`${s.sandboxUrl}/v2/${s.config.KALEYRA_SID}/whatsapp/${number.wabaId}/message_templates?name=${name}`, {
        headers: { 'api-key': s.config.KALEYRA_API_KEY },
      })
    ).json()) as any;
    expect(atKaleyra.data).toHaveLength(0);
  });

  it('refuses to delete a template a scheduled campaign uses, naming the campaign; deletes it once cancelled', async () => {
    // An approved template with one body variable, used by a campaign scheduled for tomorrow.
    const name = 'appointment_reminder';
    const csv = `phone,name,when\n${customer()},Ann,Monday\n`;
    const up = await upload(
      s,
      owner,
      { numberId: number.id, name: 'Reminders', templateName: name, variableColumns: ['name', 'when'], fallbacks: [] },
      csv,
    );
    expect(up.status).toBe(201);
    const id = up.body.campaign.id;
    const launched = await s.api(owner, `/api/campaigns/${id}/launch`, {
      body: { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(launched.body.campaign.status).toBe('scheduled');

    const usage = await s.api(owner, `/api/templates/${number.id}/${name}/usage`);
    expect(usage.body).toMatchObject({ canDelete: false, blocking: [{ id, name: 'Reminders', status: 'scheduled' }] });
    const refused = await s.api(owner, `/api/templates/${number.id}/${name}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/“Reminders” \(scheduled\)/);
    expect(await listed(name)).toBeTruthy();

    await s.api(owner, `/api/campaigns/${id}/cancel`, { method: 'POST' });
    const deleted = await s.api(owner, `/api/templates/${number.id}/${name}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await listed(name)).toBeUndefined();
    expect(JSON.stringify((await s.api(owner, '/api/audit')).body)).toContain('template.deleted');
  });

  it('agents read the list but get 403 for every change', async () => {
    const list = await s.api(agent, '/api/templates');
    expect(list.status).toBe(200);
    expect(list.body.canManage).toBe(false);
    expect(
      (
        await s.api(agent, '/api/templates', {
          body: { numberId: number.id, name: 'agent_made', language: 'en_US', category: 'utility', body: 'Hello there.' },
        })
      ).status,
    ).toBe(403);
    expect((await s.api(agent, `/api/templates/${number.id}/order_shipped`, { method: 'DELETE' })).status).toBe(403);
    expect((await uploadSample(agent)).status).toBe(403);
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
  it('the 100-creates-per-hour limit says when to try again, and writes nothing', async () => {
    const other = (await s.api(owner, '/api/numbers')).body.numbers; // same WABA for every create below
    expect(other.length).toBeGreaterThan(0);
    const before = (await s.api(owner, '/api/templates')).body.templates.length;
    let refused: any = null;
    let made = 0;
    for (let i = 0; i < 110 && !refused; i++) {
      const r = await s.api(owner, '/api/templates', {
        body: { numberId: number.id, name: uniqueName('bulk'), language: 'en_US', category: 'utility', body: 'Thanks for your order.' },
      });
      if (r.status === 429) refused = r;
      else {
        expect(r.status).toBe(201);
        made++;
      }
    }
    expect(refused).not.toBeNull();
    expect(made).toBeLessThanOrEqual(100);
    expect(refused.body.code).toBe('rate_limited');
    expect(refused.body.detail).toMatch(/100 new templates per business account per hour.*Try again after \d\d:\d\d UTC/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await s.api(owner, '/api/templates')).body.templates.length).toBe(before + made);
  });
});
