import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, type SandboxOrg, type Stack } from '../../test/stack.ts';
import { csvOf, upload } from '../../test/campaign-test-kit.ts';

let seq = 0;
const customer = () => `+4860${String(5_300_000 + ++seq * 7919).padStart(7, '0')}`;

/**
 * D.3: a business sends WhatsApp messages to its customers from its own connected numbers only. Whatever number id
 * a caller names, the BFF sends only from a number that this organization connected and still has connected.
 */
describe.each(DB_KINDS)('sending only from the business own numbers on %s', (kind) => {
  let s: Stack;
  let acme: SandboxOrg;
  let bistro: SandboxOrg;
  let owner: string;
  let acmeNumberId: string;
  let bistroNumberId: string;
  let bistroNumber: string;

  const send = (numberId: string, to = customer()) =>
    s.api(owner, '/api/messages', {
      body: {
        kind: 'template',
        numberId,
        to,
        templateName: 'order_shipped',
        language: 'en_US',
        variables: ['Ann', '#1', 'Monday'],
        clientRef: randomUUID(),
      },
    });
  const balance = async () => (await s.api(owner, '/api/balance')).body.remaining as number;
  const sentByKaleyra = async () => ((await s.sandboxControl<{ messages: unknown[] }>('/sandbox/kaleyra/messages')).messages ?? []).length;

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
      (await s.api(owner, `/api/conversations/quote?numberId=${numberId}&to=${encodeURIComponent(customer())}&category=utility`)).status,
    ).toBeGreaterThanOrEqual(400);
    const campaign = await upload(s, owner, { numberId }, csvOf([[customer(), 'Al', '1']]));
    expect(campaign.status, JSON.stringify(campaign.body)).toBeGreaterThanOrEqual(400);
    return r;
  };

  beforeAll(async () => {
    s = await startStack(kind);
    [acme, bistro] = s.orgs as [SandboxOrg, SandboxOrg];
    owner = await s.token(acme, 'owner');
    acmeNumberId = (await s.api(owner, '/api/numbers')).body.numbers[0].id;
    const bistroOwn = (await s.api(await s.token(bistro, 'owner'), '/api/numbers')).body.numbers[0];
    bistroNumberId = bistroOwn.id;
    bistroNumber = bistroOwn.number;
  });
  afterAll(async () => {
    await s?.close();
  });

  it("D.3: sends from the business's own connected number to its customer", async () => {
    const start = await balance();
    const to = customer();
    const r = await send(acmeNumberId, to);
    expect(r.status).toBe(201);
    expect(await balance()).toBe(start - 1);
    const atKaleyra = await s.sandboxControl<{ messages: { from: string }[] }>(`/sandbox/kaleyra/messages?to=${encodeURIComponent(to)}`);
    const acmeNumber = (await s.api(owner, '/api/numbers')).body.numbers[0].number as string;
    expect(atKaleyra.messages.map((m) => m.from.replace(/\D/g, ''))).toEqual([acmeNumber.replace(/\D/g, '')]);
  });

  it("D.3: refuses another organization's number, and to connect it", async () => {
    const r = await expectRefused(bistroNumberId);
    expect(r.status).toBe(404);
    const taken = await s.api(owner, '/api/numbers', {
      method: 'POST',
      body: {
        number: bistroNumber,
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
    const disconnected = await s.api(owner, `/api/numbers/${acmeNumberId}`, { method: 'DELETE' });
    expect(disconnected.status, JSON.stringify(disconnected.body)).toBe(200);
    expect((await s.api(owner, '/api/numbers')).body.numbers.map((n: { id: string }) => n.id)).not.toContain(acmeNumberId);
    expect((await expectRefused(acmeNumberId)).status).toBe(404);
  });
});
