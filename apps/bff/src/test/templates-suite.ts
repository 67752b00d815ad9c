import { expect } from 'vitest';
import { waitForStatus } from './campaign-test-kit.ts';
import { startStack, waitFor, type Stack } from './stack.ts';
import type { DbKind } from './test-db.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

export interface TemplatesStack {
  s: Stack;
  owner: string;
  agent: string;
  number: { id: string; number: string; wabaId: string };
}

/**
 * The template studio files' shared stack (workers on, Meta's review left to the control endpoint) and the helpers
 * that create, approve and send rich templates on it. `start` fills the stack in; the helpers read it when called.
 */
export function templatesSuite(kind: DbKind) {
  const t = {} as TemplatesStack;
  let seq = 0;
  const uniqueName = (base: string) => `${base}_${kind}_${Date.now().toString(36)}_${seq++}`;

  const uploadSample = async (token = t.owner) => {
    const res = await fetch(`${t.s.bffUrl}/api/templates/samples?numberId=${t.number.id}&fileName=shoe.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const richDraft = (name: string, handle: string) => ({
    numberId: t.number.id,
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
  const listed = async (name: string) => ((await t.s.api(t.owner, '/api/templates')).body.templates as any[]).find((x) => x.name === name);
  /** Creates a rich template (with a fresh sample), has WhatsApp approve it and syncs. */
  const approvedRich = async (base: string, overrides: Record<string, unknown> = {}) => {
    const sample = await uploadSample();
    const name = uniqueName(base);
    expect((await t.s.api(t.owner, '/api/templates', { body: { ...richDraft(name, sample.body.handle), ...overrides } })).status).toBe(201);
    await t.s.sandboxControl(`/sandbox/kaleyra/templates/${t.number.wabaId}/${name}/status`, { status: 'APPROVED' });
    await t.s.api(t.owner, `/api/numbers/${t.number.id}/templates/sync`, { method: 'POST' });
    return { name, handle: sample.body.handle as string };
  };
  /** Launches a checked campaign, waits for its end, and returns what Kaleyra received of the template. */
  const launchAndCollect = async (id: string, name: string, count: number) => {
    expect((await t.s.api(t.owner, `/api/campaigns/${id}/launch`, { body: {} })).status).toBe(200);
    expect(await waitForStatus(t.s, t.owner, id, ['completed', 'paused', 'cancelled'])).toMatchObject({ status: 'completed' });
    return waitFor(
      async () => ((await t.s.sandboxControl('/sandbox/kaleyra/messages')).messages as any[]).filter((m) => m.template_name === name),
      (list) => list.length === count,
      30_000,
    );
  };

  const start = async (): Promise<TemplatesStack> => {
    t.s = await startStack(kind, { workers: true, sandbox: { kaleyraCallbackDelayMs: 20 } });
    t.owner = await t.s.token(t.s.orgs[0]!, 'owner');
    t.agent = await t.s.token(t.s.orgs[0]!, 'agent');
    t.number = (await t.s.api(t.owner, '/api/numbers')).body.numbers.find((n: any) => n.apiVersion === 'v2');
    // Meta's review: new templates stay pending until the control endpoint decides.
    await t.s.sandboxControl('/sandbox/kaleyra/templates/review-mode', { waba: t.number.wabaId, mode: 'manual' });
    return t;
  };

  return { start, uniqueName, uploadSample, richDraft, listed, approvedRich, launchAndCollect, PNG };
}
