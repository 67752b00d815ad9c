import { expect, it, vi } from 'vitest';
import { waitFor } from '../../test/stack.ts';
import * as kit from '../../test/relay-test-kit.ts';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

/** The confirmation window of these tests: how long a cut-off reply waits for Kaleyra's word. */
const WINDOW_SECONDS = 4;

interface AtKaleyra {
  body?: string;
  ref?: string;
  accepted_at: string;
}

/**
 * A reply cut off mid-send (its message recorded, Kaleyra's answer never heard) is settled by Kaleyra's callbacks when
 * they come within the confirmation window, and otherwise sent again once, as the same message under the same ref.
 */
kit.describeRelay(
  'replies cut off mid-send',
  (r) => {
    let bistro: kit.RelayFixture | undefined;
    /** Acme's v2 number and the Bistro's v1 number, each with its relayed business. */
    const numbers = async () => {
      bistro ??= await kit.connectRelay(r.s, r.s.orgs[1]!);
      return [
        { fx: r.f, number: r.v2 },
        { fx: bistro, number: bistro.numbers.find((n) => n.apiVersion === 'v1')! },
      ];
    };
    const atKaleyra = async (business: string, customer: string) =>
      (
        await r.s.sandboxControl<{ messages: AtKaleyra[] }>(
          `/sandbox/kaleyra/messages?from=${encodeURIComponent(business)}&to=${encodeURIComponent(customer)}`,
        )
      ).messages;
    const messageRows = (eventId: string) =>
      r.s.database.query<{
        id: string;
        status: string;
        provider_message_id: string | null;
        conversation_id: string;
        error_code: string | null;
      }>('select id, status, provider_message_id, conversation_id, error_code from messages where client_ref = $1', [`relay:${eventId}`]);
    /** Conversations this reply's conversation was charged (debits less releases), and how many debits there were. */
    const charges = async (conversationId: string) =>
      (
        await r.s.database.query<{ debits: number; net: number }>(
          `select count(*) filter (where reason = 'conversation_opened')::int as debits, coalesce(-sum(delta), 0)::int as net
             from ledger_entries where reference = $1`,
          [conversationId],
        )
      )[0]!;
    const notesOf = async (fx: kit.RelayFixture, customer: string) =>
      (await kit.chatEvents(r.s, fx.org, customer)).filter((e) => e.visibility === 'agents');

    it('a reply cut off before Kaleyra took it is sent again once after the window, as the same message with the same ref (v2 and v1)', async () => {
      const { s } = r;
      for (const { fx, number } of await numbers()) {
        const text = `cut off on ${number.apiVersion}`;
        let afterSweep: string[] | null = null;
        const { customer, eventId, message } = await kit.replyCutOff(r, text, {
          reachesKaleyra: false,
          fx,
          number,
          // The sweep of interrupted sends leaves a reply the relay still sends again to the relay, whenever it runs.
          meanwhile: async (to) => {
            await s.services.messaging.sweepInterrupted(new Date(Date.now() + 3_600_000));
            const rows = await s.database.query<{ status: string }>('select status from messages where recipient = $1 and direction = $2', [
              to,
              'outbound',
            ]);
            afterSweep = rows.map((m) => m.status);
          },
        });
        expect(
          await waitFor(
            async () => afterSweep,
            (v) => v !== null,
          ),
        ).toEqual(['queued']);
        expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'sent' });
        const sent = (await atKaleyra(number.number, customer)).filter((m) => m.body === text);
        expect(sent).toHaveLength(1);
        // Not before the window was over, and under the LiveChat event id as the ref (v2; v1 has none).
        expect(new Date(sent[0]!.accepted_at).getTime()).toBeGreaterThanOrEqual(
          new Date(message.created_at).getTime() + WINDOW_SECONDS * 1000,
        );
        expect(sent[0]!.ref).toBe(number.apiVersion === 'v2' ? eventId : undefined);
        // The same message and conversation, spent once; its callbacks find it.
        const [row] = await waitFor(
          () => messageRows(eventId),
          (rows) => rows[0]?.status === 'read',
        );
        expect(row).toMatchObject({ id: message.id, conversation_id: message.conversation_id });
        expect(row!.provider_message_id).not.toBeNull();
        const [conversation] = await s.database.query<{ cost: number; status: string }>(
          'select cost, status from conversations where id = $1',
          [message.conversation_id],
        );
        expect(conversation!.status).toBe('open');
        expect(await charges(message.conversation_id)).toEqual({ debits: conversation!.cost, net: conversation!.cost });
        const [outbound] = await s.database.query<{ message_id: string }>('select message_id from relay_outbound where event_id = $1', [
          eventId,
        ]);
        expect(outbound!.message_id).toBe(message.id);
        // Nothing for the sweeps to close or note.
        await s.services.messaging.sweepInterrupted(new Date(Date.now() + 3_600_000));
        await s.services.relay.noteFailedReplies();
        expect((await messageRows(eventId))[0]!.status).toBe('read');
        expect(await notesOf(fx, customer)).toEqual([]);
        expect((await atKaleyra(number.number, customer)).filter((m) => m.body === text)).toHaveLength(1);
      }
    });

    it('a reply Kaleyra took while its answer was lost is settled by the callbacks within the window, never sent again (v2 and v1)', async () => {
      const { s } = r;
      for (const { fx, number } of await numbers()) {
        const text = `taken, answer lost on ${number.apiVersion}`;
        const { customer, eventId, message } = await kit.replyCutOff(r, text, { reachesKaleyra: true, fx, number });
        // The callbacks carry the ref (v2: the event id; v1: our id in the callback URL): the message moves on.
        const [row] = await waitFor(
          () => messageRows(eventId),
          (rows) => rows[0]?.status === 'read',
        );
        expect(row!.provider_message_id).toBeNull();
        expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'sent' });
        const [outbound] = await s.database.query<{ message_id: string }>('select message_id from relay_outbound where event_id = $1', [
          eventId,
        ]);
        expect(outbound!.message_id).toBe(message.id);
        await s.services.messaging.sweepInterrupted(new Date(Date.now() + 3_600_000));
        await s.services.relay.noteFailedReplies();
        expect(await notesOf(fx, customer)).toEqual([]);
        expect((await atKaleyra(number.number, customer)).filter((m) => m.body === text)).toHaveLength(1);
        expect((await messageRows(eventId))[0]!.status).toBe('read');
      }
    });

    it('F.4: a cut-off reply whose customer opted out before it could go again is refused with a note, its conversation given back', async () => {
      const { s, f, v2 } = r;
      const text = 'cut off, then STOP';
      const { customer, eventId, message } = await kit.replyCutOff(r, text, {
        reachesKaleyra: false,
        meanwhile: async (to) => {
          await kit.customerWrites(s, v2.number, to, 'STOP');
          await waitFor(
            () => s.database.query('select 1 from opt_outs where recipient = $1', [to]),
            (rows) => rows.length === 1,
          );
        },
      });
      expect(await kit.outboundRow(s, eventId)).toMatchObject({ status: 'refused', error_code: 'opted_out' });
      const [row] = await messageRows(eventId);
      expect(row).toMatchObject({ id: message.id, status: 'not_sent', error_code: 'opted_out', provider_message_id: null });
      const [conversation] = await s.database.query<{ cost: number; status: string }>(
        'select cost, status from conversations where id = $1',
        [message.conversation_id],
      );
      expect(conversation!.status).toBe('released');
      expect((await charges(message.conversation_id)).net).toBe(0);
      // The opt-out's note, then the reply's.
      const notes = await waitFor(
        () => notesOf(f, customer),
        (n) => n.length === 2,
      );
      expect(notes[1]!.text).toMatch(/^Not sent to WhatsApp: .*opted out/);
      expect((await atKaleyra(v2.number, customer)).filter((m) => m.body === text)).toEqual([]);
    });
  },
  { env: { SEND_CONFIRM_WINDOW_SECONDS: String(WINDOW_SECONDS) } },
);
