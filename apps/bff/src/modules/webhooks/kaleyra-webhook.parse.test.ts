import { describe, expect, it } from 'vitest';
import { parseIncoming, parseStatusCallback, WebhookParseError } from './kaleyra-webhook.parse.ts';

const now = new Date('2026-11-20T12:00:00.000Z');
const unix = (iso: string) => String(Math.floor(new Date(iso).getTime() / 1000));

describe('Kaleyra incoming webhook, v1 shape (form fields)', () => {
  it('reads a text message: sender, our number, name, text and time', () => {
    const [m] = parseIncoming(
      {
        from: '48601000111',
        name: 'Maria',
        body: 'Hello there',
        type: 'text',
        created_at: unix('2026-11-20T11:59:00Z'),
        wanumber: '48221234567',
      },
      now,
    );
    expect(m).toEqual({
      from: '+48601000111',
      to: '+48221234567',
      name: 'Maria',
      type: 'text',
      text: 'Hello there',
      at: new Date('2026-11-20T11:59:00Z'),
      providerMessageId: null,
      // The fields as received, for the chat relay (memory only).
      raw: expect.objectContaining({ body: 'Hello there', wanumber: '48221234567' }),
    });
  });

  it('reads a quick-reply tap as a button with its text', () => {
    const [m] = parseIncoming({ from: '+48 601 000 111', body: 'Stop', button_text: 'Stop', type: 'button', wanumber: '48221234567' }, now);
    expect(m).toMatchObject({ from: '+48601000111', type: 'button', text: 'Stop' });
  });

  it('takes the time as unix seconds or milliseconds and falls back to now', () => {
    expect(parseIncoming({ from: '48601000111', body: 'x', created_at: '1763640000000' }, now)[0]!.at).toEqual(new Date(1763640000000));
    expect(parseIncoming({ from: '48601000111', body: 'x' }, now)[0]!.at).toEqual(now);
  });

  it('reads media as media without text, and refuses a message without a valid sender', () => {
    expect(parseIncoming({ from: '48601000111', type: 'image' }, now)[0]).toMatchObject({ type: 'media', text: null });
    expect(() => parseIncoming({ from: 'abc', body: 'x' }, now)).toThrow(WebhookParseError);
    expect(() => parseIncoming({ body: 'x' }, now)).toThrow(WebhookParseError);
    expect(() => parseIncoming(null, now)).toThrow(WebhookParseError);
  });
});

describe("Kaleyra incoming webhook, v2 shape (Meta's messages[] wrapped)", () => {
  const wrap = (messages: unknown[], contacts: unknown[] = [{ profile: { name: 'Maria' }, wa_id: '48601000111' }]) => ({
    meta_object: {
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '48221234567', phone_number_id: '110000000000001' },
        contacts,
        messages,
      },
    },
    extra_info: {},
  });

  it('reads a text message with its id, time, contact name and our number', () => {
    const [m] = parseIncoming(
      wrap([{ from: '48601000111', id: 'wamid.A', timestamp: unix('2026-11-20T11:00:00Z'), type: 'text', text: { body: 'Hi' } }]),
      now,
    );
    expect(m).toEqual({
      from: '+48601000111',
      to: '+48221234567',
      name: 'Maria',
      type: 'text',
      text: 'Hi',
      at: new Date('2026-11-20T11:00:00Z'),
      providerMessageId: 'wamid.A',
      raw: expect.objectContaining({ id: 'wamid.A', text: { body: 'Hi' } }),
    });
  });

  it('reads template quick replies (button) and interactive replies as buttons with their text', () => {
    const [a, b] = parseIncoming(
      wrap([
        { from: '48601000111', id: 'wamid.B', type: 'button', button: { text: 'Stop promotions', payload: 'STOP' } },
        {
          from: '48601000111',
          id: 'wamid.C',
          type: 'interactive',
          interactive: { type: 'button_reply', button_reply: { id: 'x', title: 'Stop' } },
        },
      ]),
      now,
    );
    expect(a).toMatchObject({ type: 'button', text: 'Stop promotions' });
    expect(b).toMatchObject({ type: 'button', text: 'Stop' });
  });

  it('reads every message of a batch, naming each sender from the contacts', () => {
    const list = parseIncoming(
      wrap(
        [
          { from: '48601000111', type: 'text', text: { body: 'one' } },
          { from: '48601000222', type: 'image', image: { id: 'media-1' } },
        ],
        [
          { profile: { name: 'Maria' }, wa_id: '48601000111' },
          { profile: { name: 'John' }, wa_id: '48601000222' },
        ],
      ),
      now,
    );
    expect(list.map((m) => [m.from, m.name, m.type, m.text])).toEqual([
      ['+48601000111', 'Maria', 'text', 'one'],
      ['+48601000222', 'John', 'media', null],
    ]);
  });

  it('refuses a malformed v2 body', () => {
    expect(() => parseIncoming({ meta_object: { value: { messages: [] } } }, now)).toThrow(WebhookParseError);
    expect(() => parseIncoming({ meta_object: { value: { messages: [{ type: 'text' }] } } }, now)).toThrow(WebhookParseError);
  });
});

describe('Kaleyra status callbacks, v1 and v2 shapes', () => {
  it('v1: GET query with id, status and error code', () => {
    expect(
      parseStatusCallback({ id: 'k-1', status: 'failed', error_code: '131026', created_at: unix('2026-11-20T11:00:00Z') }, undefined, now),
    ).toEqual([{ ref: null, providerMessageId: 'k-1', status: 'failed', errorCode: '131026', at: new Date('2026-11-20T11:00:00Z') }]);
    expect(parseStatusCallback({ id: 'k-1', status: 'not-sent' }, undefined, now)[0]).toMatchObject({
      status: 'not_sent',
      errorCode: 'not-sent',
    });
  });

  it("v2: Meta's status object with our ref and its error code", () => {
    const [u] = parseStatusCallback(
      {},
      {
        meta_object: {
          value: {
            statuses: [
              {
                id: 'wamid.X',
                status: 'failed',
                timestamp: unix('2026-11-20T11:00:00Z'),
                errors: [{ code: 131047, title: 'Re-engagement message' }],
              },
            ],
          },
        },
        extra_info: { ref: '2b1c0c2e-7a55-4c1a-9c6d-8f3f3f1e2a10' },
        status: 'failed',
        message_id: 'wamid.X',
      },
      now,
    );
    expect(u).toEqual({
      ref: '2b1c0c2e-7a55-4c1a-9c6d-8f3f3f1e2a10',
      providerMessageId: 'wamid.X',
      status: 'failed',
      errorCode: '131047',
      at: new Date('2026-11-20T11:00:00Z'),
    });
  });

  it('refuses unknown statuses and callbacks without an id', () => {
    expect(() => parseStatusCallback({ id: 'k', status: 'exploded' }, undefined, now)).toThrow(WebhookParseError);
    expect(() => parseStatusCallback({ status: 'read' }, undefined, now)).toThrow(WebhookParseError);
  });
});
