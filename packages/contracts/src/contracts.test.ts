import { describe, expect, it } from 'vitest';
import {
  checkPhone,
  countVariables,
  describeProviderError,
  KNOWN_PROVIDER_CODES,
  missingVariables,
  ProblemSchema,
  renderTemplate,
  routes,
  SendMessageRequestSchema,
} from './index.ts';

describe('phone numbers', () => {
  it('normalises international and national numbers to E.164', () => {
    expect(checkPhone('+34 612 345 678')).toMatchObject({ ok: true, e164: '+34612345678', country: 'ES' });
    expect(checkPhone('0048 601 234 567')).toMatchObject({ ok: true, e164: '+48601234567' });
    expect(checkPhone('601 234 567', 'PL')).toMatchObject({ ok: true, e164: '+48601234567' });
    expect(checkPhone('(415) 555-0132', 'us')).toMatchObject({ ok: true, e164: '+14155550132' });
  });
  it('explains what is wrong', () => {
    expect(checkPhone('')).toEqual({ ok: false, reason: 'Enter a phone number' });
    expect(checkPhone('601 234 567')).toMatchObject({ ok: false, reason: expect.stringMatching(/country code/) });
    expect(checkPhone('+48 12')).toMatchObject({ ok: false });
    expect(checkPhone('call me maybe')).toMatchObject({ ok: false, reason: expect.stringMatching(/digits/) });
  });
});

describe('templates', () => {
  const body = 'Hi {{1}}, your order {{2}} ships {{ 3 }}.';
  it('counts positional variables', () => {
    expect(countVariables(body)).toBe(3);
    expect(countVariables('no variables')).toBe(0);
    expect(countVariables(null)).toBe(0);
  });
  it('renders values and keeps empty placeholders visible', () => {
    expect(renderTemplate(body, ['Ann', '#7', 'today'])).toBe('Hi Ann, your order #7 ships today.');
    expect(renderTemplate(body, ['Ann'])).toBe('Hi Ann, your order {{2}} ships {{ 3 }}.');
  });
  it('names the missing variables', () => {
    expect(missingVariables(body, ['Ann', ' '])).toEqual([1, 2]);
  });
});

describe('request schemas', () => {
  const base = { numberId: 'n1', to: '+48601234567', clientRef: crypto.randomUUID() };
  it('accepts a template send and a text send', () => {
    expect(
      SendMessageRequestSchema.safeParse({ ...base, kind: 'template', templateName: 't', language: 'en', variables: [] }).success,
    ).toBe(true);
    expect(SendMessageRequestSchema.safeParse({ ...base, kind: 'text', text: 'hello' }).success).toBe(true);
  });
  it('rejects a non-E.164 number, an empty text and a missing idempotency key, naming the fields', () => {
    const r = SendMessageRequestSchema.safeParse({ ...base, to: '601234567', clientRef: undefined, kind: 'text', text: '   ' });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['to', 'clientRef', 'text']));
  });
  it('a problem always carries a stable code', () => {
    expect(ProblemSchema.safeParse({ type: 'x', title: 'x', status: 400 }).success).toBe(false);
    expect(ProblemSchema.safeParse({ type: 'x', title: 'x', status: 400, code: 'validation_failed' }).success).toBe(true);
  });
  it('every route has a summary and a unique method+path', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of routes) expect(r.summary.length).toBeGreaterThan(5);
  });
});

describe('provider error codes in plain language', () => {
  it.each(['131047', '131049', '131026', '131056', '130429', 'E110', 'WAV2101', 'WA401', 'not-sent'])(
    '%s has an actionable message',
    (code) => {
      expect(KNOWN_PROVIDER_CODES).toContain(code);
      const info = describeProviderError(code);
      expect(info.message.length).toBeGreaterThan(30);
      expect(info.message).not.toMatch(/unknown|recognise/i);
    },
  );
  it('an unknown code says so, with the code', () => {
    expect(describeProviderError('XYZ999').message).toMatch(/XYZ999/);
    expect(describeProviderError('XYZ999').message).toMatch(/not recognise/);
  });
});
