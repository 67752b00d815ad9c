import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { csvOf, customer, upload } from '../../test/campaign-test-kit.ts';
import { sendTemplate, sendingSuite } from '../../test/messaging-test-kit.ts';

/**
 * D.3: a business sends WhatsApp messages to its customers from its own connected numbers only. Whatever number id
 * a caller names, the BFF sends only from a number that this organization connected and still has connected.
 */
describe.each(DB_KINDS)('sending only from the business own numbers on %s', (kind) => {
  const t = sendingSuite(kind);
  const send = (numberId: string, to = customer()) => sendTemplate(t.s, t.owner, numberId, to);
  const balance = () => t.balance(t.owner);
  const sentByKaleyra = async () =>
    ((await t.s.sandboxControl<{ messages: unknown[] }>('/sandbox/kaleyra/messages')).messages ?? []).length;

  /** A refused send: no message at Kaleyra, no conversation spent, and a problem that names the number. */
  const expectRefused = async (numberId: string) => {
    const before = { balance: await balance(), sent: await sentByKaleyra() };
    const r = await send(numberId);
    expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(await balance()).toBe(before.balance);
    expect(await sentByKaleyra()).toBe(before.sent);
    // The quote, the customer's status and a campaign refuse the number too.
    expect(
      (await t.s.api(t.owner, `/api/conversations/quote?numberId=${numberId}&to=${encodeURIComponent(customer())}&category=utility`))
        .status,
    ).toBeGreaterThanOrEqual(400);
    const campaign = await upload(t.s, t.owner, { numberId }, csvOf([[customer(), 'Al', '1']]));
    expect(campaign.status, JSON.stringify(campaign.body)).toBeGreaterThanOrEqual(400);
    return r;
  };

  it("D.3: sends from the business's own connected number to its customer", async () => {
    const start = await balance();
    const to = customer();
    const r = await send(t.numberId, to);
    expect(r.status).toBe(201);
    expect(await balance()).toBe(start - 1);
    const atKaleyra = await t.s.sandboxControl<{ messages: { from: string }[] }>(`/sandbox/kaleyra/messages?to=${encodeURIComponent(to)}`);
    expect(atKaleyra.messages.map((m) => m.from.replace(/\D/g, ''))).toEqual([t.number.replace(/\D/g, '')]);
  });

  it("D.3: refuses another organization's number, and to connect it", async () => {
    const r = await expectRefused(t.other.numberId);
    expect(r.status).toBe(404);
    const taken = await t.s.api(t.owner, '/api/numbers', {
      method: 'POST',
      body: {
        number: t.other.number,
        displayName: 'Not ours',
        apiVersion: 'v1',
        wabaId: 'waba-bistro-001',
        planId: 'standard',
        billingCycle: 'monthly',
      },
    });
    expect(taken.status).toBe(409);
    expect(JSON.stringify(taken.body)).toContain('another organization');
  });

  it('D.3: refuses a number the business never connected', async () => {
    const r = await expectRefused(randomUUID());
    expect(r.status).toBe(404);
    expect((await expectRefused('not-a-number-id')).status).toBe(404);
  });

  it('D.3: refuses a number the business has disconnected', async () => {
    const disconnected = await t.s.api(t.owner, `/api/numbers/${t.numberId}`, { method: 'DELETE' });
    expect(disconnected.status, JSON.stringify(disconnected.body)).toBe(200);
    expect((await t.s.api(t.owner, '/api/numbers')).body.numbers.map((n: { id: string }) => n.id)).not.toContain(t.numberId);
    expect((await expectRefused(t.numberId)).status).toBe(404);
  });
});
