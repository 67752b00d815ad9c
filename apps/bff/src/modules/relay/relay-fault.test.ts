import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { customer } from '../../test/campaign-test-kit.ts';
import { call, createChildDatabase, startBffProcess, startSandboxProcess, type ChildDatabase, type Proc } from '../../test/process-kit.ts';
import { DB_KINDS } from '../../test/test-db.ts';

// Whole stacks in child processes, and a job of the killed process may only come back once its lease lapses:
// generous limits for a busy machine.
vi.setConfig({ testTimeout: 480_000, hookTimeout: 180_000 });

/**
 * The BFF as production runs it, in a child process, with WhatsApp chats in LiveChat on (the dev seed connects every
 * seeded business and registers the chat webhooks): killed with SIGKILL while customers' messages and agents' replies
 * are being relayed, then started again on the same database. Every customer message must be in its chat exactly
 * once and in order, and every agent reply must reach the phone exactly once.
 *
 * What the BFF had not answered 2xx when it died is delivered again after the restart, as Kaleyra and LiveChat do
 * (the same payload, the same message or event id); so is everything it had answered, as when a 2xx is lost on the
 * way back. Kaleyra's ref de-duplication is off: a reply sent twice reaches the phone twice and is counted. A reply the
 * kill cut off mid-send is settled by Kaleyra's callbacks (retried while the BFF is down) within the confirmation
 * window, or sent again once the window is over.
 */

const ACME = '8c1f2a4e-6b0d-4c1e-9a57-00000000ac01';
const CUSTOMERS = 6;
const BURST = 8;
const relayEnv = (sandboxUrl: string) => ({
  // One key for both processes, as in production: the restarted BFF must open the sealed jobs and refresh token.
  BILLING_TOKEN_KEY: randomBytes(32).toString('hex'),
  LIVECHAT_API_URL: sandboxUrl,
  LIVECHAT_CLIENT_SECRET: 'sandbox-client-secret',
  LIVECHAT_CHAT_WEBHOOK_SECRET: 'process-kit-chat-webhook-secret-0123456789',
  KALEYRA_TIMEOUT_MS: '3000',
  // Longer than the restart plus the sandbox's next callback retry (a reply Kaleyra took is heard of within it), far
  // shorter than production's.
  SEND_CONFIRM_WINDOW_SECONDS: '30',
});

interface ChatView {
  id: string;
  customer: { session_fields: Record<string, string>[] };
  threads: { events: { id: string; type: string; text?: string }[] }[];
}
interface Written {
  text: string;
  messageId: string;
}
interface Customer {
  phone: string;
  chatId: string;
  written: Written[];
  replies: { text: string; eventId: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await sleep(everyMs);
  }
}

/** What the relay's tables and queues hold (PostgreSQL only) and the BFF's last log lines: a failure says where it stuck. */
async function relayState(db: ChildDatabase, bff: Proc): Promise<string> {
  const logs = bff.logs.slice(-20).join('');
  if (!db.url) return logs;
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    const lines: string[] = [];
    for (const sql of [
      `select status, error_code, count(*)::int as n from relay_inbound group by 1, 2`,
      `select status, error_code, count(*)::int as n from relay_outbound group by 1, 2`,
      `select name, state, retry_count, count(*)::int as n from pgboss.job where name like 'relay%' group by 1, 2, 3`,
    ])
      lines.push(JSON.stringify((await pool.query(sql)).rows));
    return `${lines.join('\n')}\n${logs}`;
  } finally {
    await pool.end();
  }
}

// PostgreSQL, where production runs several instances; the embedded database's restart after a kill is covered by
// the campaign fault test, and a job the dead process held waits, on either database, until the queue's supervision
// sees its heartbeat stopped.
describe.each(DB_KINDS.filter((k) => k === 'postgres'))('a BFF killed with SIGKILL mid-relay, on %s', (kind) => {
  let sandbox: Proc;
  let db: ChildDatabase;
  let bff: Proc | null = null;
  /** The test's own reads of the database it shares with the BFF. */
  let pool: pg.Pool | null = null;

  beforeAll(async () => {
    // Status callbacks retried while the BFF is down: a reply Kaleyra took before the kill is still heard of.
    sandbox = await startSandboxProcess({ callbackDelayMs: 50, dedupeRefs: false, callbackRetrySeconds: 30 });
    db = await createChildDatabase(kind);
    pool = db.url ? new pg.Pool({ connectionString: db.url, max: 1 }) : null;
    // Its idle connection may still be closing when the database is dropped at the end: that is no failure.
    pool?.on('error', () => undefined);
  }, 120_000);
  afterAll(async () => {
    await bff?.kill('SIGKILL');
    await sandbox?.kill('SIGKILL');
    await pool?.end();
    await db?.drop();
  });

  it('restarts and relays every customer message once, in order, and every agent reply once', async () => {
    const env = relayEnv(sandbox.url);
    bff = await startBffProcess({ sandboxUrl: sandbox.url, database: db, env });
    const port = bff.port;
    const tag = randomBytes(3).toString('hex');
    const owner = (await call(`${sandbox.url}/sandbox/tokens`, { body: { organization: ACME, role: 'owner' } })).body
      .access_token as string;
    const agent = (await call(`${sandbox.url}/sandbox/tokens`, { body: { organization: ACME, role: 'agent' } })).body
      .access_token as string;
    const relay = (await call(`${bff.url}/api/relay`, { token: owner })).body;
    expect(relay.authorization.connected, JSON.stringify(relay)).toBe(true);
    const numbers = (await call(`${bff.url}/api/numbers`, { token: owner })).body.numbers as {
      id: string;
      number: string;
      apiVersion: string;
    }[];
    const business = numbers.find((n) => n.apiVersion === 'v2')!;
    expect(relay.numbers.find((n: { numberId: string }) => n.numberId === business.id)?.enabled).toBe(true);

    const chats = async () => (await call<{ chats: ChatView[] }>(`${sandbox.url}/sandbox/livechat/chats?organization=${ACME}`)).body.chats;
    const chatOf = (list: ChatView[], phone: string) => list.find((c) => c.customer.session_fields.some((f) => f.whatsapp === phone));
    const texts = (chat: ChatView | undefined) => (chat ? chat.threads.flatMap((t) => t.events).map((e) => e.text ?? '') : []);
    const writes = async (phone: string, text: string): Promise<Written> => {
      const r = await call(`${sandbox.url}/sandbox/kaleyra/incoming`, { body: { to: business.number, from: phone, body: text } });
      expect(r.status).toBe(200);
      return { text, messageId: r.body.message_id };
    };

    // Each customer's first message makes their chat: the agents have somewhere to answer.
    const people: Customer[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const phone = customer();
      people.push({ phone, chatId: '', written: [await writes(phone, `${tag} c${i} m0`)], replies: [] });
    }
    const opened = await waitUntil(chats, (list) => people.every((p) => texts(chatOf(list, p.phone)).includes(p.written[0]!.text)), 60_000);
    for (const p of people) {
      const chat = chatOf(opened, p.phone);
      expect(chat, `no chat for ${p.phone}`).toBeDefined();
      p.chatId = chat!.id;
    }

    const THROTTLED = [{ mode: 'http429' }, { mode: 'http429' }];
    // Replies cut off mid-send by the kill: each customer's first reply of the burst either reaches Kaleyra, which
    // answers late (its callbacks come at once), or is throttled twice, the client waiting a second each time before
    // trying again (nothing reached Kaleyra yet).
    for (const [i, p] of people.entries()) {
      const injections = i % 2 ? THROTTLED : [{ mode: 'timeout', hang_ms: 2_500 }];
      for (const injection of injections)
        await call(`${sandbox.url}/sandbox/kaleyra/fail-next`, { body: { number: business.number, to: p.phone, ...injection } });
    }

    // The burst: each customer writes and an agent answers, one after the other per chat, all chats at once.
    const customerTexts = (list: ChatView[]) =>
      people.reduce((n, p, i) => n + texts(chatOf(list, p.phone)).filter((t) => t.startsWith(`${tag} c${i} m`)).length, 0);
    const total = CUSTOMERS * (BURST + 1);
    const burst = Promise.all(
      people.map(async (p, i) => {
        for (let j = 1; j <= BURST; j++) {
          p.written.push(await writes(p.phone, `${tag} c${i} m${j}`));
          const text = `${tag} c${i} r${j}`;
          const res = await call(`${sandbox.url}/v3.6/agent/action/send_event`, {
            token: agent,
            body: { chat_id: p.chatId, event: { type: 'message', text } },
          });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          p.replies.push({ text, eventId: res.body.event_id });
          await sleep(120);
        }
      }),
    );
    // Awaited after the kill; until then a failure must not surface as an unhandled rejection.
    burst.catch(() => undefined);

    // Kill while the relay is mid-way: some of the burst in the chats, most of it not.
    const before = await waitUntil(chats, (list) => customerTexts(list) >= CUSTOMERS + Math.ceil(0.3 * CUSTOMERS * BURST), 60_000, 50);
    // And once a throttled reply is waiting to try again (its message recorded, nothing at Kaleyra).
    const throttled = async () =>
      (await call<{ pending: { mode: string }[] }>(`${sandbox.url}/sandbox/kaleyra/fail-next`)).body.pending.filter(
        (i) => i.mode === 'http429',
      ).length;
    await waitUntil(throttled, (n) => n < Math.floor(CUSTOMERS / 2) * THROTTLED.length, 1_500, 20);
    await bff.kill('SIGKILL');
    await call(`${sandbox.url}/sandbox/kaleyra/fail-next`, { method: 'DELETE' });
    await expect(fetch(`${bff.url}/api/health`)).rejects.toThrow();
    const atKill = customerTexts(await chats());
    expect(customerTexts(before)).toBeGreaterThan(CUSTOMERS);
    expect(atKill).toBeLessThan(total);
    await burst;

    bff = await startBffProcess({ sandboxUrl: sandbox.url, database: db, port, seed: false, env });

    // Kaleyra delivers again what got no 2xx (and a 2xx may have been lost): the same payloads, per customer in order.
    const profile = (await call(`${sandbox.url}/sandbox/kaleyra/numbers`)).body.numbers.find(
      (n: { number: string }) => n.number === business.number,
    ).callback_profile as { incoming_url: string; username: string; password: string };
    const auth = `Basic ${Buffer.from(`${profile.username}:${profile.password}`).toString('base64')}`;
    const records = new Map(
      ((await call(`${sandbox.url}/sandbox/kaleyra/callbacks`)).body.callbacks as { kind: string; message_id: string; payload: unknown }[])
        .filter((c) => c.kind === 'incoming')
        .map((c) => [c.message_id, c]),
    );
    await Promise.all(
      people.map(async (p) => {
        for (const w of p.written) {
          const rec = records.get(w.messageId);
          expect(rec, `no incoming delivery recorded for ${w.text}`).toBeDefined();
          const res = await fetch(profile.incoming_url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: JSON.stringify(rec!.payload),
          });
          expect(res.status, `${w.text}: ${await res.text()}`).toBe(200);
        }
      }),
    );
    // LiveChat too, once its own retries are over: every agent event's webhook again.
    const ours = new Set(people.flatMap((p) => p.replies.map((r) => r.eventId)));
    type Delivery = { outcome: string; body: { payload: { event: { id: string } } } };
    const deliveries = (
      await waitUntil(
        async () =>
          ((await call(`${sandbox.url}/sandbox/livechat/webhook-deliveries?action=incoming_event`)).body.deliveries as Delivery[]).filter(
            (d) => ours.has(d.body.payload.event.id),
          ),
        (list) => list.length === ours.size && list.every((d) => d.outcome !== 'pending'),
        60_000,
      )
    ).filter((d) => ours.has(d.body.payload.event.id));
    expect(new Set(deliveries.map((d) => d.body.payload.event.id)).size).toBe(ours.size);
    for (const d of deliveries) {
      const res = await fetch(`${bff.url}/webhooks/livechat-chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(d.body),
      });
      expect(res.status, await res.text()).toBeLessThan(300);
    }

    // A job the dead process held comes back only once its lease lapses: wait for everything, then count.
    const phone = async () =>
      (await call(`${sandbox.url}/sandbox/kaleyra/messages?from=${encodeURIComponent(business.number)}`)).body.messages as {
        to: string;
        body?: string;
        ref?: string;
      }[];
    const replyTexts = new Set(people.flatMap((p) => p.replies.map((r) => r.text)));
    const settled = async () => ({ chats: await chats(), phone: await phone() });
    const done = ({ chats: list, phone: sent }: Awaited<ReturnType<typeof settled>>) =>
      customerTexts(list) >= total &&
      new Set(sent.map((m) => m.body).filter((b): b is string => !!b && replyTexts.has(b))).size === replyTexts.size;
    const after = await waitUntil(settled, done, 300_000, 500);
    // Late duplicates would come now, if at all.
    await sleep(2_000);
    const final = await settled();
    const state = await relayState(db, bff);
    const missing: string[] = [];
    for (const [i, p] of people.entries()) {
      const got = texts(chatOf(final.chats, p.phone)).filter((t) => t.startsWith(`${tag} c${i} m`));
      expect(got, `chat of customer ${i} (killed with ${atKill}/${total} in the chats)\n${state}`).toEqual(p.written.map((w) => w.text));
      const received = final.phone.filter((m) => m.to === p.phone).map((m) => m.body ?? '');
      for (const r of p.replies) {
        const n = received.filter((b) => b === r.text).length;
        if (n !== 1) missing.push(`${r.text} (event ${r.eventId}) reached the phone ${n} times`);
      }
    }
    expect(missing, `replies (settled: ${done(after)})\n${state}`).toEqual([]);
    const sentReplies = final.phone.filter((m) => m.body && replyTexts.has(m.body));
    const refs = sentReplies.map((m) => m.ref);
    expect(new Set(refs).size).toBe(refs.length);
    // Each reply went out under its LiveChat event id as the ref.
    const refOf = new Map(sentReplies.map((m) => [m.body, m.ref]));
    expect(refOf).toEqual(new Map(people.flatMap((p) => p.replies.map((r) => [r.text, r.eventId]))));

    if (pool) {
      // The relay's own record agrees: nothing left pending.
      const inbound = await pool.query(`select status, count(*)::int as n from relay_inbound group by status`);
      expect(inbound.rows).toEqual([{ status: 'posted', n: total }]);
      const outbound = await waitUntil(
        async () => (await pool!.query(`select status, count(*)::int as n from relay_outbound group by status`)).rows,
        (rows) => rows.length === 1 && rows[0].status === 'sent',
        60_000,
      );
      expect(outbound).toEqual([{ status: 'sent', n: CUSTOMERS * BURST }]);
      // Every reply's message went out once: accepted by Kaleyra, or moved on by its callbacks; none was closed.
      const messages = await pool.query(
        `select m.status, count(*)::int as n from relay_outbound o join messages m on m.id = o.message_id group by m.status`,
      );
      expect(messages.rows.filter((r) => ['queued', 'failed', 'not_sent'].includes(r.status))).toEqual([]);
    }
  });
});
