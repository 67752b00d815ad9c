import { describe, expect, it } from 'vitest';
import {
  blankDraft,
  contentFromComponents,
  sendComponents,
  toMetaTemplate,
  validateTemplateDraft,
  type TemplateDraft,
} from './templates-studio.ts';

const good = (): TemplateDraft => ({
  ...blankDraft('n1', 'marketing'),
  name: 'spring_sale_2',
  language: 'en_US',
  header: { type: 'image', sampleHandle: 'h:1' },
  body: 'Hi {{1}}, take {{2}} off today.',
  bodySamples: ['Ann', '20%'],
  footer: 'Acme Shoes',
  buttons: [
    { type: 'quick_reply', text: 'Yes' },
    { type: 'quick_reply', text: 'Stop' },
    { type: 'url', text: 'Shop', url: 'https://acme.test/s/{{1}}', sample: 'spring' },
  ],
});

interface Rule {
  rule: string;
  ok: (d: TemplateDraft) => void;
  bad: (d: TemplateDraft) => void;
  field: string;
}

/** A rule about the body text alone: a body that keeps it and one that breaks it. */
const bodyRule = (rule: string, ok: string, bad: string): Rule => ({
  rule,
  ok: (d) => (d.body = ok),
  bad: (d) => (d.body = bad),
  field: 'body',
});

/** A rule about a lone URL button: its address and sample in a draft that keeps it and in one that breaks it. */
const urlButtonRule = (rule: string, field: string, ok: { url: string; sample: string }, bad: { url: string; sample: string }): Rule => ({
  rule,
  ok: (d) => (d.buttons = [{ type: 'url', text: 'Go', ...ok }]),
  bad: (d) => (d.buttons = [{ type: 'url', text: 'Go', ...bad }]),
  field,
});

/** One row per Meta rule: a draft that keeps it and one that breaks it (and the field that must say so). */
const RULES: Rule[] = [
  {
    rule: 'name: lowercase letters, digits, underscores',
    ok: (d) => (d.name = 'a_1'),
    bad: (d) => (d.name = 'Spring Sale'),
    field: 'name',
  },
  { rule: 'name: at most 512 characters', ok: (d) => (d.name = 'a'.repeat(512)), bad: (d) => (d.name = 'a'.repeat(513)), field: 'name' },
  { rule: "language from Meta's list", ok: (d) => (d.language = 'pl'), bad: (d) => (d.language = 'xx_YY'), field: 'language' },
  { rule: 'body is required', ok: (d) => ((d.body = 'Hello there'), (d.bodySamples = [])), bad: (d) => (d.body = '  '), field: 'body' },
  {
    rule: 'body: at most 1,024 characters',
    ok: (d) => ((d.body = 'x'.repeat(1024)), (d.bodySamples = [])),
    bad: (d) => ((d.body = 'x'.repeat(1025)), (d.bodySamples = [])),
    field: 'body',
  },
  bodyRule('body variables in order, no gaps', 'Hi {{1}} and {{2}} ok', 'Hi {{2}} and {{1}} ok'),
  bodyRule('body variables are numbers', 'Hi {{1}} and {{2}} ok', 'Hi {{name}} ok'),
  bodyRule('body cannot start with a variable', 'Hi {{1}}, {{2}} off.', '{{1}}, {{2}} off.'),
  bodyRule('body cannot end with a variable', 'Hi {{1}}, {{2}} off.', 'Hi {{1}}, take {{2}}'),
  {
    rule: 'a sample for every body variable',
    ok: (d) => (d.bodySamples = ['Ann', '20%']),
    bad: (d) => (d.bodySamples = ['Ann', '']),
    field: 'bodySamples.1',
  },
  {
    rule: 'header text: at most 60 characters',
    ok: (d) => (d.header = { type: 'text', text: 'x'.repeat(60), sample: '' }),
    bad: (d) => (d.header = { type: 'text', text: 'x'.repeat(61), sample: '' }),
    field: 'header.text',
  },
  {
    rule: 'header text: at most one variable',
    ok: (d) => (d.header = { type: 'text', text: 'Hi {{1}}', sample: 'Ann' }),
    bad: (d) => (d.header = { type: 'text', text: 'Hi {{1}} {{2}}', sample: 'Ann' }),
    field: 'header.text',
  },
  {
    rule: 'header variable needs a sample',
    ok: (d) => (d.header = { type: 'text', text: 'Hi {{1}}', sample: 'Ann' }),
    bad: (d) => (d.header = { type: 'text', text: 'Hi {{1}}', sample: '' }),
    field: 'header.sample',
  },
  {
    rule: 'media header needs a sample file',
    ok: (d) => (d.header = { type: 'video', sampleHandle: 'h:2' }),
    bad: (d) => (d.header = { type: 'document', sampleHandle: '' }),
    field: 'header.sample',
  },
  {
    rule: 'footer: at most 60 characters',
    ok: (d) => (d.footer = 'x'.repeat(60)),
    bad: (d) => (d.footer = 'x'.repeat(61)),
    field: 'footer',
  },
  { rule: 'footer: no variables', ok: (d) => (d.footer = 'Reply STOP'), bad: (d) => (d.footer = 'Bye {{1}}'), field: 'footer' },
  {
    rule: 'at most 10 buttons',
    ok: (d) => (d.buttons = Array.from({ length: 10 }, (_, i) => ({ type: 'quick_reply' as const, text: `Q${i}` }))),
    bad: (d) => (d.buttons = Array.from({ length: 11 }, (_, i) => ({ type: 'quick_reply' as const, text: `Q${i}` }))),
    field: 'buttons',
  },
  {
    rule: 'quick replies grouped first or last',
    ok: (d) =>
      (d.buttons = [
        { type: 'url', text: 'Shop', url: 'https://a.test', sample: '' },
        { type: 'quick_reply', text: 'A' },
        { type: 'quick_reply', text: 'B' },
      ]),
    bad: (d) =>
      (d.buttons = [
        { type: 'quick_reply', text: 'A' },
        { type: 'url', text: 'Shop', url: 'https://a.test', sample: '' },
        { type: 'quick_reply', text: 'B' },
      ]),
    field: 'buttons',
  },
  {
    rule: 'at most 2 URL buttons',
    ok: (d) => (d.buttons = [1, 2].map((i) => ({ type: 'url' as const, text: `U${i}`, url: 'https://a.test', sample: '' }))),
    bad: (d) => (d.buttons = [1, 2, 3].map((i) => ({ type: 'url' as const, text: `U${i}`, url: 'https://a.test', sample: '' }))),
    field: 'buttons',
  },
  {
    rule: 'at most 1 phone button',
    ok: (d) => (d.buttons = [{ type: 'phone', text: 'Call', phone: '+48221234567' }]),
    bad: (d) =>
      (d.buttons = [
        { type: 'phone', text: 'Call', phone: '+48221234567' },
        { type: 'phone', text: 'Call 2', phone: '+48221234568' },
      ]),
    field: 'buttons',
  },
  {
    rule: 'phone button: a number with country code',
    ok: (d) => (d.buttons = [{ type: 'phone', text: 'Call', phone: '+48 22 123 45 67' }]),
    bad: (d) => (d.buttons = [{ type: 'phone', text: 'Call', phone: '221234567' }]),
    field: 'buttons.0.phone',
  },
  {
    rule: 'button label: at most 25 characters',
    ok: (d) => (d.buttons = [{ type: 'quick_reply', text: 'x'.repeat(25) }]),
    bad: (d) => (d.buttons = [{ type: 'quick_reply', text: 'x'.repeat(26) }]),
    field: 'buttons.0.text',
  },
  urlButtonRule('URL button: https address', 'buttons.0.url', { url: 'https://a.test/x', sample: '' }, { url: 'ftp://a.test', sample: '' }),
  urlButtonRule(
    'URL button: one variable, at the end',
    'buttons.0.url',
    { url: 'https://a.test/{{1}}', sample: 'x' },
    { url: 'https://a.test/{{1}}/x', sample: 'x' },
  ),
  urlButtonRule(
    'URL button: dynamic suffix needs a sample',
    'buttons.0.sample',
    { url: 'https://a.test/{{1}}', sample: 'x' },
    { url: 'https://a.test/{{1}}', sample: '' },
  ),
  {
    rule: 'copy code only in authentication templates',
    ok: (d) => (d.buttons = []),
    bad: (d) => (d.buttons = [{ type: 'copy_code', text: 'Copy code' }]),
    field: 'buttons.0.type',
  },
];

describe("Meta's template rules (the one validation the widget and the BFF run)", () => {
  it('accepts the reference draft', () => {
    expect(validateTemplateDraft(good())).toEqual([]);
  });
  describe.each(RULES)('$rule', ({ ok, bad, field }) => {
    it('accepted', () => {
      const d = good();
      ok(d);
      expect(validateTemplateDraft(d)).toEqual([]);
    });
    it('refused, naming the field', () => {
      const d = good();
      bad(d);
      const errors = validateTemplateDraft(d);
      expect(errors.map((e) => e.path)).toContain(field);
      expect(errors.every((e) => e.message.length > 10)).toBe(true);
    });
  });

  describe('authentication: Meta’s fixed form', () => {
    it('accepted with one copy-code button and an expiry of 1 to 90 minutes', () => {
      const d = { ...blankDraft('n1', 'authentication'), name: 'login_code_2' };
      expect(validateTemplateDraft(d)).toEqual([]);
      expect(toMetaTemplate(d).components).toEqual([
        { type: 'BODY', add_security_recommendation: true },
        { type: 'FOOTER', code_expiration_minutes: 10 },
        { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
      ]);
    });
    it('refused with a header, another button or an expiry of 91 minutes', () => {
      const d = { ...blankDraft('n1', 'authentication'), name: 'login_code_2' };
      d.authentication.codeExpiryMinutes = 91;
      d.header = { type: 'text', text: 'Code', sample: '' };
      d.buttons = [...d.buttons, { type: 'quick_reply', text: 'No' }];
      expect(
        validateTemplateDraft(d)
          .map((e) => e.path)
          .sort(),
      ).toEqual(['authentication.codeExpiryMinutes', 'buttons', 'header']);
    });
  });
});

describe("Meta's components", () => {
  it('creation carries the samples where Meta wants them', () => {
    const meta = toMetaTemplate(good());
    expect(meta).toMatchObject({ name: 'spring_sale_2', language: 'en_US', category: 'MARKETING' });
    expect(meta.components).toEqual([
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['h:1'] } },
      { type: 'BODY', text: 'Hi {{1}}, take {{2}} off today.', example: { body_text: [['Ann', '20%']] } },
      { type: 'FOOTER', text: 'Acme Shoes' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Yes' },
          { type: 'QUICK_REPLY', text: 'Stop' },
          { type: 'URL', text: 'Shop', url: 'https://acme.test/s/{{1}}', example: ['spring'] },
        ],
      },
    ]);
  });
  it('a send carries the header link, the body, the URL suffix and quick-reply payloads by button index', () => {
    const content = contentFromComponents(toMetaTemplate(good()).components);
    expect(
      sendComponents(content, ['Ann', '20%'], { headerMediaUrl: 'https://cdn.test/a.png', buttonValues: ['yes-1', '', 'spring'] }),
    ).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.test/a.png' } }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ann' },
          { type: 'text', text: '20%' },
        ],
      },
      { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'yes-1' }] },
      { type: 'button', sub_type: 'url', index: '2', parameters: [{ type: 'text', text: 'spring' }] },
    ]);
  });
});
