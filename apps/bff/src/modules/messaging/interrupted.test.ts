import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { waitFor } from '../../test/stack.ts';
import { customer } from '../../test/campaign-test-kit.ts';
import { sendingSuite } from '../../test/messaging-test-kit.ts';

/**
 * A process that stops between recording a send (conversation spent) and Kaleyra's answer leaves the message
 * `queued` with no Kaleyra id. The sweep closes it as `interrupted` once no attempt can still be running, and an
 * opening message gives its conversation back, exactly once.
 */
describe.each(DB_KINDS)('interrupted sends on %s', (kind) => {
  const t = sendingSuite(kind);
  const { send, balance, history } = t;
  /** Puts a message back as a process killed mid-send would have left it, `minutes` ago. */
  const interrupt = (id: string, minutes: number) =>
    t.s.database.query(
      `update messages set status = 'queued', provider_message_id = null, created_at = now() - make_interval(mins => $2) where id = $1`,
      [id, minutes],
    );

  it('C.2: an interrupted opening send is closed and gives its conversation back once; a recent one is left alone', async () => {
    const [a, b] = [customer(), customer()];
    const start = await balance();
    const first = await send(a);
    const second = await send(b);
    expect(first.status).toBe(201);
    expect(await balance()).toBe(start - 2);
    // Let the sandbox's status callbacks finish first, so none lands after the rows are put back.
    for (const to of [a, b]) {
      await waitFor(
        () => history(to),
        (list) => list[0]?.status === 'read',
        15_000,
      );
    }
    await interrupt(first.body.message.id, 10);
    // Still within Kaleyra's timeout plus the grace: its attempt may be running.
    await interrupt(second.body.message.id, 0);

    expect(await t.s.services.messaging.sweepInterrupted()).toBe(1);
    expect(await t.s.services.messaging.sweepInterrupted()).toBe(0);
    expect(await balance()).toBe(start - 1);
    const [row] = await t.s.database.query<{ status: string; error_code: string }>(
      'select status, error_code from messages where id = $1',
      [first.body.message.id],
    );
    expect(row).toEqual({ status: 'failed', error_code: 'interrupted' });
    const released = await t.s.database.query<{ delta: number }>(
      `select delta from ledger_entries where organization_id = $1 and reason = 'conversation_released' and reference = $2`,
      [
        t.orgId,
        first.body.message.conversationId ??
          (
            await t.s.database.query<{ conversation_id: string }>('select conversation_id from messages where id = $1', [
              first.body.message.id,
            ])
          )[0]!.conversation_id,
      ],
    );
    expect(released).toEqual([{ delta: 1 }]);
    expect((await history(a))[0]!.status).toBe('failed');
    // The next send to that customer opens a new conversation (the old one was given back).
    const again = await send(a);
    expect(again.body).toMatchObject({ openedConversation: true });
  });
});
