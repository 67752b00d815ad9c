import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestSandbox, type TestSandbox } from '../lib/test-helpers.ts';

let sb: TestSandbox;
const KEY = { 'api-key': 'sandbox-kaleyra-key' };
const PATH = '/v2/HXSANDBOX01/whatsapp/waba-acme-001/message_templates';

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.close();
});

const create = (json: unknown) => sb.call('POST', PATH, { headers: KEY, json });
const uploadSample = (fileName = 'shoe.png', type = 'image/png') => {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from([1, 2, 3])], { type }), fileName);
  form.append('type', type);
  return fetch(`${sb.url}/v2/HXSANDBOX01/whatsapp/waba-acme-001/resumable_media`, { method: 'POST', headers: KEY, body: form });
};
const body = (text: string, example?: string[]) => ({ type: 'BODY', text, ...(example ? { example: { body_text: [example] } } : {}) });

describe('templates as Meta reviews them (the sandbox)', () => {
  it("refuses what Meta refuses, with Meta's (#100) words, field by field", async () => {
    await sb.call('POST', '/sandbox/kaleyra/templates/review-mode', { json: { waba: 'waba-acme-001', mode: 'manual' } });
    const cases: [unknown, string][] = [
      [{ name: 'Bad Name', language: 'en_US', category: 'UTILITY', components: [body('Hello there')] }, 'name'],
      [{ name: 'a_1', language: 'en_US', category: 'UTILITY', components: [body('{{1}} is here', ['x'])] }, 'body'],
      [{ name: 'a_2', language: 'en_US', category: 'UTILITY', components: [body('Hi {{1}} and {{3}} ok', ['x', 'y'])] }, 'body'],
      [{ name: 'a_3', language: 'en_US', category: 'UTILITY', components: [body('Hi {{1}}, ok')] }, 'body.example'],
      [
        {
          name: 'a_4',
          language: 'en_US',
          category: 'UTILITY',
          components: [{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['never-uploaded'] } }, body('Hello there')],
        },
        'header.example',
      ],
      [
        { name: 'a_5', language: 'en_US', category: 'UTILITY', components: [body('Hello there'), { type: 'FOOTER', text: 'Bye {{1}}' }] },
        'footer',
      ],
      [
        {
          name: 'a_6',
          language: 'en_US',
          category: 'MARKETING',
          components: [
            body('Hello there'),
            {
              type: 'BUTTONS',
              buttons: [
                { type: 'QUICK_REPLY', text: 'A' },
                { type: 'URL', text: 'Go', url: 'https://a.test' },
                { type: 'QUICK_REPLY', text: 'B' },
              ],
            },
          ],
        },
        'buttons',
      ],
      [
        { name: 'a_7', language: 'en_US', category: 'AUTHENTICATION', components: [{ type: 'BODY', add_security_recommendation: true }] },
        'buttons',
      ],
    ];
    for (const [json, field] of cases) {
      const r = await create(json);
      expect(r.status, JSON.stringify(json)).toBe(400);
      expect(r.body.code).toBe('WA400');
      expect(r.body.errors[field], JSON.stringify(r.body)).toMatch(/^\(#100\) Invalid parameter: /);
    }
  });

  it('keeps a valid template pending until the control endpoint decides, or approves it after a delay', async () => {
    await sb.call('POST', '/sandbox/kaleyra/templates/review-mode', { json: { waba: 'waba-acme-001', mode: 'manual' } });
    const upload = await uploadSample();
    const handle = ((await upload.json()) as { h: string }).h;
    expect(handle).toMatch(/^4::/);
    // Kaleyra's rules for the upload: its file types, and no spaces (nor \ / < @ %) in the file name.
    expect((await uploadSample('my shoe.png')).status).toBe(400);
    expect((await uploadSample('shoe.gif', 'image/gif')).status).toBe(400);
    const made = await create({
      name: 'drop_1',
      language: 'en_US',
      category: 'MARKETING',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: [handle] } },
        body('Hi {{1}}, it is here.', ['Ann']),
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: 'https://s.test/{{1}}', example: ['x'] }] },
      ],
    });
    expect(made.status).toBe(201);
    expect(made.body.status).toBe('PENDING');
    const rejected = await sb.call('POST', '/sandbox/kaleyra/templates/waba-acme-001/drop_1/status', {
      json: { status: 'REJECTED', rejected_reason: 'INVALID_FORMAT' },
    });
    expect(rejected.body.templates[0]).toMatchObject({ status: 'REJECTED', rejected_reason: 'INVALID_FORMAT' });

    await sb.call('POST', '/sandbox/kaleyra/templates/review-mode', { json: { waba: 'waba-acme-001', mode: 'delayed', delay_ms: 50 } });
    expect(
      (await create({ name: 'drop_2', language: 'en_US', category: 'UTILITY', components: [body('Your table is ready.')] })).body.status,
    ).toBe('PENDING');
    await eventually(async () => {
      const list = await sb.call('GET', `${PATH}?name=drop_2`, { headers: KEY });
      return list.body.data[0]?.status === 'APPROVED' ? true : undefined;
    });
  });

  it('POST /sandbox/reset forgets review modes, uploaded samples and the hourly create count', async () => {
    await sb.call('POST', '/sandbox/kaleyra/templates/review-mode', { json: { waba: '*', mode: 'manual' } });
    const upload = await uploadSample();
    const handle = ((await upload.json()) as { h: string }).h;
    const withHeader = (name: string) => ({
      name,
      language: 'en_US',
      category: 'MARKETING',
      components: [{ type: 'HEADER', format: 'IMAGE', example: { header_handle: [handle] } }, body('Hi {{1}}, it is here.', ['Ann'])],
    });
    expect((await create(withHeader('before_reset'))).body.status).toBe('PENDING');

    expect((await sb.call('POST', '/sandbox/reset')).status).toBe(200);
    // Reviewed again as a fresh account would be: at once, and the old sample handle is unknown to a reviewing WABA.
    expect(
      (await create({ name: 'after_reset', language: 'en_US', category: 'UTILITY', components: [body('Your table is ready.')] })).body
        .status,
    ).toBe('APPROVED');
    await sb.call('POST', '/sandbox/kaleyra/templates/review-mode', { json: { waba: 'waba-acme-001', mode: 'manual' } });
    const stale = await create(withHeader('stale_handle'));
    expect(stale.status).toBe(400);
    expect(stale.body.errors['header.example']).toMatch(/uploaded sample/);
    await sb.call('POST', '/sandbox/reset');
  });
});
