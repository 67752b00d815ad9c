import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { customer } from '../../test/campaign-test-kit.ts';
import { sendingSuite } from '../../test/messaging-test-kit.ts';

/**
 * Forward-only status callbacks that arrive together are applied together: every one is recorded as an event,
 * each message ends at the highest status it was told (never back, never over a failure), and a callback for a
 * message that is not the organization's says so.
 */
describe.each(DB_KINDS)('status callbacks applied in groups on %s', (kind) => {
  // Kaleyra's own callbacks held back: this test sends them.
  const t = sendingSuite(kind, { sandbox: { kaleyraCallbackDelayMs: 600_000 } });

  const send = async () => {
    const r = await t.send(customer());
    expect(r.status).toBe(201);
    return r.body.message.id as string;
  };
  const statusOf = async (id: string) =>
    (await t.s.database.query<{ status: string }>('select status from messages where id = $1', [id]))[0]!.status;
  const eventsOf = async (id: string) =>
    (await t.s.database.query<{ status: string }>('select status from message_events where message_id = $1', [id])).map((e) => e.status);

  it('many callbacks at once: all recorded, each message at its highest status, unknown ones refused', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, send));
    const failed = ids[5]!;
    await t.s.services.messaging.applyCallbackStatus(t.orgId, {
      ref: failed,
      providerMessageId: null,
      status: 'failed',
      errorCode: '131026',
      at: new Date(),
    });
    const at = new Date();
    const apply = (ref: string | null, status: 'sent' | 'delivered' | 'read', providerMessageId: string | null = null) =>
      t.s.services.messaging.applyCallbackStatus(t.orgId, { ref, providerMessageId, status, errorCode: null, at });
    const results = await Promise.all([
      // Out of order, in one burst: read arrives before sent.
      ...ids.slice(0, 5).flatMap((id) => [apply(id, 'read'), apply(id, 'sent'), apply(id, 'delivered')]),
      apply(failed, 'delivered'),
      apply(crypto.randomUUID(), 'sent'),
      apply('not-a-uuid', 'sent'),
      apply(null, 'sent', 'no-such-kaleyra-id'),
    ]);
    expect(results.slice(0, 15).every(Boolean)).toBe(true);
    expect(results.slice(15)).toEqual([true, false, false, false]);
    for (const id of ids.slice(0, 5)) {
      expect(await statusOf(id)).toBe('read');
      expect((await eventsOf(id)).filter((e) => e === 'sent' || e === 'delivered' || e === 'read').sort()).toEqual([
        'delivered',
        'read',
        'sent',
      ]);
    }
    expect(await statusOf(failed)).toBe('failed');
    // A later callback never moves a message back.
    expect(await apply(ids[0]!, 'sent')).toBe(true);
    expect(await statusOf(ids[0]!)).toBe('read');
  });
});
