import { describeProviderError, KNOWN_PROVIDER_CODES } from '@wa/contracts';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/stack.ts';
import { customer } from '../../test/campaign-test-kit.ts';
import { sendingSuite, sendTemplate } from '../../test/messaging-test-kit.ts';

/** What an agent should understand from each failure, in words that say what to do next. */
const EXPECTED: Record<string, RegExp> = {
  '131047': /24 hours.*template/i,
  '131049': /marketing.*(day or two|utility template)/i,
  '131026': /could not deliver.*(not use WhatsApp|out of date)/i,
  '131056': /too many messages to this customer.*wait/i,
  '130429': /speed limit.*again/i,
  E110: /run out of credit.*top it up/i,
  WAV2101: /daily limit.*tomorrow/i,
  WA401: /API version/i,
  'not-sent': /never reached WhatsApp.*given back/i,
};

describe('plain-language provider errors', () => {
  it('every provider error code an agent can meet maps to its own actionable message', () => {
    const messages = new Set<string>();
    for (const [code, pattern] of Object.entries(EXPECTED)) {
      expect(KNOWN_PROVIDER_CODES, code).toContain(code);
      const { message } = describeProviderError(code);
      expect(message, code).toMatch(pattern);
      expect(message, code).not.toMatch(/not recognise/);
      messages.add(message);
    }
    expect(messages.size).toBe(Object.keys(EXPECTED).length);
  });

  it('an unknown code says it is unknown, and names the code', () => {
    for (const code of ['999999', 'WA777', 'E999']) {
      const { message } = describeProviderError(code);
      expect(message).toContain(code);
      expect(message).toMatch(/not recognise/);
    }
    expect(describeProviderError(null).message).toMatch(/did not give/);
  });
});

describe('the sandbox answers any code, and the agent reads its message', () => {
  const t = sendingSuite('pglite');
  const { balance, history } = t;
  const send = (token: string, numberId: string, to: string) =>
    sendTemplate(t.s, token, numberId, to, { templateName: 'login_code', variables: ['4321'] });

  for (const code of ['E110', 'WAV2101', 'WA401']) {
    it(`${code}: refused at once, nothing spent, the agent reads what to do (v1 and v2)`, async () => {
      for (const { agent, numberId, number } of [t, t.other]) {
        const start = await balance(agent);
        await t.failNext(code, number);
        const r = await send(agent, numberId, customer());
        expect(r.status, `${code} on ${number}`).toBeGreaterThanOrEqual(500);
        expect(r.body).toMatchObject({ code: 'provider_error', providerCode: code, detail: describeProviderError(code).message });
        expect(r.body.detail).toMatch(EXPECTED[code]!);
        expect(await balance(agent)).toBe(start);
      }
    });
  }

  for (const code of ['131047', '131049', '131026', '131056', '130429', 'not-sent']) {
    it(`${code}: reported later by callback, shown on the message, and the opening conversation is given back`, async () => {
      const to = customer();
      const start = await balance();
      await t.failNext(code);
      expect((await send(t.agent, t.numberId, to)).status).toBe(201);
      const [m] = await waitFor(
        () => history(to),
        (list) => list[0]?.status === 'failed' || list[0]?.status === 'not_sent',
      );
      expect(m.errorCode).toBe(code);
      expect(m.errorMessage).toBe(describeProviderError(code).message);
      expect(m.errorMessage).toMatch(EXPECTED[code]!);
      expect(m.conversationsSpent).toBe(0);
      await waitFor(
        () => balance(),
        (b) => b === start,
      );
    });
  }

  it('an unknown code from the provider is shown as unknown, with the code', async () => {
    // Slow callbacks, so the message is still on its way when the provider reports the unknown failure.
    const to2 = customer();
    await t.s.sandboxControl('/sandbox/kaleyra/config', { callback_delay_ms: 5_000 });
    try {
      const r2 = await send(t.agent, t.numberId, to2);
      const [row2] = await t.s.database.query<{ provider_message_id: string }>('select provider_message_id from messages where id = $1', [
        r2.body.message.id,
      ]);
      await t.s.sandboxControl(`/sandbox/kaleyra/messages/${row2!.provider_message_id}/status`, { status: 'failed', error_code: '987654' });
      const [m] = await waitFor(
        () => history(to2),
        (list) => list[0]?.status === 'failed',
      );
      expect(m.errorCode).toBe('987654');
      expect(m.errorMessage).toMatch(/987654/);
      expect(m.errorMessage).toMatch(/not recognise/);
    } finally {
      await t.s.sandboxControl('/sandbox/kaleyra/config', { callback_delay_ms: 30 });
    }
  });
});
