import { describe, expect, it } from 'vitest';
import { describeRecipient } from './describe-recipient.ts';
import { recipientData as empty } from './recipient-data.fixture.ts';

const msg = (id: string, direction: string, createdAt: string, templateName: string | null = 'login_code') => ({
  id,
  numberId: 'n1',
  direction,
  kind: templateName ? 'template' : 'text',
  templateName,
  category: 'authentication',
  status: 'read',
  createdAt,
});

describe('describeRecipient', () => {
  it('L.11a: a number nobody messaged is "nothing held" and may be messaged', () => {
    const s = describeRecipient(empty());
    expect(s.nothingHeld).toBe(true);
    expect(s.facts.every((f) => f.empty)).toBe(true);
    expect(s.canMessage.allowed).toBe(true);
    expect(s.storage).toMatch(/under the phone number/);
  });

  it('L.11a: counts messages both ways, their dates and templates, and says no text is kept', () => {
    const s = describeRecipient(
      empty({
        messages: [
          msg('m3', 'inbound', '2026-11-25T10:00:00.000Z', null),
          msg('m2', 'outbound', '2026-11-20T10:00:00.000Z', 'order_shipped'),
          msg('m1', 'outbound', '2026-11-03T10:00:00.000Z'),
        ],
      }),
    );
    const m = s.facts.find((f) => f.id === 'messages')!;
    expect(m.value).toBe('3 messages');
    expect(m.detail).toMatch(/^2 sent to them, 1 from them, from Nov 3, 2026 to Nov 25, 2026\./);
    expect(m.detail).toContain('Templates: order_shipped, login_code.');
    expect(s.nothingHeld).toBe(false);
  });

  it('L.11a: one message reads in the singular; a full page reads "or more"', () => {
    expect(describeRecipient(empty({ messages: [msg('m', 'outbound', '2026-11-25T10:00:00.000Z')] })).facts[0]!.value).toBe('1 message');
    const many = Array.from({ length: 1000 }, (_, i) => msg(`m${i}`, 'outbound', '2026-11-25T10:00:00.000Z'));
    expect(describeRecipient(empty({ messages: many })).facts[0]!.value).toBe('1,000 or more messages');
  });

  it('L.11a: conversations by category, and the one still open', () => {
    const now = new Date('2026-11-25T12:00:00.000Z');
    const s = describeRecipient(
      empty({
        conversations: [
          {
            id: 'c2',
            numberId: 'n1',
            category: 'utility',
            openedAt: '2026-11-25T10:00:00.000Z',
            expiresAt: '2026-11-26T10:00:00.000Z',
            status: 'open',
          },
          {
            id: 'c1',
            numberId: 'n1',
            category: 'utility',
            openedAt: '2026-11-01T10:00:00.000Z',
            expiresAt: '2026-11-02T10:00:00.000Z',
            status: 'open',
          },
          {
            id: 'c0',
            numberId: 'n1',
            category: 'marketing',
            openedAt: '2026-10-01T10:00:00.000Z',
            expiresAt: '2026-10-02T10:00:00.000Z',
            status: 'released',
          },
        ],
      }),
      { now },
    );
    const c = s.facts.find((f) => f.id === 'conversations')!;
    expect(c.value).toBe('3 conversations');
    expect(c.detail).toMatch(/^Last opened Nov 25, 2026\. By kind: 2 utility, 1 marketing\. One is still open, until Nov 26, 2026/);
  });

  it('L.11a: campaigns with their outcome, and when the customer last wrote', () => {
    const s = describeRecipient(
      empty({
        campaigns: [{ campaignId: 'k1', campaignName: 'Spring sale', status: 'skipped', reason: 'Opted out', dispatchedAt: null }],
        customerWindows: [{ numberId: 'n1', lastInboundAt: '2026-11-24T09:30:00.000Z' }],
      }),
    );
    expect(s.facts.find((f) => f.id === 'campaigns')!.detail).toBe('Spring sale (skipped: Opted out).');
    expect(s.facts.find((f) => f.id === 'window')!.value).toBe('Nov 24, 2026');
  });

  it('L.11c: a restriction shows its reason, "by you" for the viewer, and stops messaging', () => {
    const d = empty({ restriction: { reason: 'Disputes accuracy', by: 'acc-1', at: '2026-11-25T10:00:00.000Z' } });
    const mine = describeRecipient(d, { selfAccountId: 'acc-1' });
    expect(mine.restriction).toBe('Restricted on Nov 25, 2026, by you. Reason: Disputes accuracy');
    expect(describeRecipient(d, { selfAccountId: 'acc-2' }).restriction).toBe('Restricted on Nov 25, 2026. Reason: Disputes accuracy');
    expect(mine.canMessage).toEqual({ allowed: false, says: expect.stringMatching(/until the restriction is lifted/) });
    expect(mine.nothingHeld).toBe(false);
  });

  it('L.11d: a consent withdrawal reads as an opt-out with its reason', () => {
    const s = describeRecipient(
      empty({ optOut: { source: 'consent_withdrawn', reason: 'Asked by phone', at: '2026-11-25T10:00:00.000Z' } }),
    );
    expect(s.optOut).toBe('Opted out on Nov 25, 2026: they withdrew their consent. Reason: Asked by phone');
    expect(s.canMessage.allowed).toBe(false);
    expect(s.canMessage.says).toMatch(/suppression list/);
  });

  it('L.11b: an erased number is held under a keyed hash', () => {
    const s = describeRecipient(empty({ erased: true, optOut: { source: 'keyword', reason: null, at: '2026-11-25T10:00:00.000Z' } }));
    expect(s.storage).toMatch(/replaced by a keyed hash/);
    expect(s.optOut).toBe('Opted out on Nov 25, 2026: they replied STOP.');
  });
});
