import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type Stack } from '../../test/stack.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { customer, upload } from '../../test/campaign-test-kit.ts';
import { templatesSuite } from '../../test/templates-suite.ts';

describe.each(DB_KINDS)('the template studio on %s, against the sandbox', (kind) => {
  let s: Stack;
  let owner: string;
  let agent: string;
  let number: { id: string; number: string; wabaId: string };
  const { start, uniqueName, uploadSample, richDraft, listed } = templatesSuite(kind);

  beforeAll(async () => {
    ({ s, owner, agent, number } = await start());
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
