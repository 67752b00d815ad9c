/**
 * `pnpm bench`, part "relay" (BENCH_ONLY=relay runs only this): WhatsApp chats in LiveChat under steady load, on
 * PostgreSQL. 50 customers of one business each write (Kaleyra's incoming webhook) and each get agents' replies
 * (LiveChat's `incoming_event` webhook), 20 messages a second in each direction (BENCH_RELAY_SECONDS long, 30 by
 * default), one BFF with workers, the sandbox as Kaleyra and LiveChat.
 *
 * Figures, per direction: p50 and p99 of the time the BFF adds, as the BFF measures it (its `message relayed` log
 * line, the same figure as `relay_latency_seconds`): from the webhook's arrival to the provider's answer that
 * delivered the message (LiveChat's `send_event`, Kaleyra's send), less the time spent waiting on the providers on
 * the way, so the sandbox's own delays are left out. Goal: p99 ≤ 100 ms. And what the sandbox received: every
 * message once (lost and duplicated both 0), each customer's messages in the order they were written.
 *
 * Each customer's first message, which makes their chat, is written before the measured run.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { ACME, BENCH_ENV, withBenchProcesses } from './bench-kit.ts';
import { call } from '../src/test/process-kit.ts';

const CUSTOMERS = 50;
const PER_SECOND = 20;
const SECONDS = Number(process.env.BENCH_RELAY_SECONDS ?? 30);
const GOAL_P99_MS = 100;

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const loadNow = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};

interface ChatView {
  id: string;
  customer: { session_fields: Record<string, string>[] };
  threads: { events: { text?: string }[] }[];
}
interface PhoneMessage {
  to: string;
  body?: string;
}
interface Relayed {
  msg?: string;
  direction?: 'inbound' | 'outbound';
  bffMs?: number;
  providerMs?: number;
  waitedMs?: number;
}

async function waitUntil<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await sleep(everyMs);
  }
}

/** The BFF's `message relayed` lines from `from` on (its stdout comes in chunks that may split lines). */
function relayedLines(logs: string[], from: number): Relayed[] {
  return logs
    .slice(from)
    .join('')
    .split('\n')
    .filter((l) => l.includes('"message relayed"'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Relayed];
      } catch {
        return [];
      }
    });
}

export async function benchRelay(kind: 'postgres' | 'pglite') {
  console.log(
    `\n6. WhatsApp chats in LiveChat: ${CUSTOMERS} customers, ${PER_SECOND} messages/s each way for ${SECONDS} s, one BFF with workers`,
  );
  if (kind !== 'postgres') {
    console.log('   needs PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432): skipped');
    return;
  }
  try {
    // Kaleyra's sent/delivered/read callbacks come live: the chat shows the ticks, as in use.
    await withBenchProcesses({ callbackDelayMs: 250 }, async ({ sandbox, db, startBff }) => {
      const bff = await startBff({
        env: {
          ...BENCH_ENV,
          LIVECHAT_API_URL: sandbox.url,
          LIVECHAT_CLIENT_SECRET: 'sandbox-client-secret',
          LIVECHAT_CHAT_WEBHOOK_SECRET: 'bench-chat-webhook-secret-0123456789',
          // The relay's per-message line carries the figures.
          LOG_LEVEL: 'info',
        },
      });
      // Every reply opens or rides a service conversation: enough for all of them.
      const client = new pg.Client({ connectionString: db.url! });
      await client.connect();
      await client.query(
        `insert into ledger_entries (organization_id, delta, reason, idempotency_key, reference) values ($1, $2, 'operator_credit', $3, 'bench')`,
        [ACME, 10_000, `${ACME}:bench-relay-credit`],
      );
      await client.end();

      const token = async (role: string) =>
        (await call(`${sandbox.url}/sandbox/tokens`, { body: { organization: ACME, role } })).body.access_token as string;
      const owner = await token('owner');
      const agent = await token('agent');
      const relay = (await call(`${bff.url}/api/relay`, { token: owner })).body;
      if (!relay.authorization?.connected) throw new Error(`relay not connected: ${JSON.stringify(relay)}`);
      const numbers = (await call(`${bff.url}/api/numbers`, { token: owner })).body.numbers as { number: string; apiVersion: string }[];
      const business = numbers.find((n) => n.apiVersion === 'v2')!.number;

      const tag = Math.random().toString(36).slice(2, 8);
      const base = 1_000_000 + Math.floor(Math.random() * 8_000_000);
      const people = Array.from({ length: CUSTOMERS }, (_, i) => ({ phone: `+4851${base + i}`, chatId: '', written: [] as string[] }));
      const chats = async () =>
        (await call<{ chats: ChatView[] }>(`${sandbox.url}/sandbox/livechat/chats?organization=${ACME}`)).body.chats;
      const chatOf = (list: ChatView[], phone: string) => list.find((c) => c.customer.session_fields.some((f) => f.whatsapp === phone));
      const texts = (chat: ChatView | undefined) => (chat ? chat.threads.flatMap((t) => t.events).map((e) => e.text ?? '') : []);
      const failures: string[] = [];
      const writes = async (i: number, text: string) => {
        people[i]!.written.push(text);
        const r = await call(`${sandbox.url}/sandbox/kaleyra/incoming`, {
          body: { to: business, from: people[i]!.phone, body: text },
        }).catch((err: Error) => ({ status: 0, body: err.message }));
        if (r.status !== 200 || !r.body.delivered) failures.push(`incoming ${text}: ${r.status} ${JSON.stringify(r.body)}`);
      };
      const replies: { i: number; text: string }[] = [];
      const answers = async (i: number, text: string) => {
        replies.push({ i, text });
        const r = await call(`${sandbox.url}/v3.6/agent/action/send_event`, {
          token: agent,
          body: { chat_id: people[i]!.chatId, event: { type: 'message', text } },
        }).catch((err: Error) => ({ status: 0, body: err.message }));
        if (r.status !== 200) failures.push(`send_event ${text}: ${r.status} ${JSON.stringify(r.body)}`);
      };

      // Before the run: each customer's first message makes their chat (and opens the window for replies).
      for (let i = 0; i < CUSTOMERS; i++) {
        void writes(i, `${tag} c${i} m0`);
        await sleep(1000 / PER_SECOND);
      }
      const opened = await waitUntil(chats, (list) => people.every((p) => texts(chatOf(list, p.phone)).includes(p.written[0]!)), 60_000);
      for (const p of people) {
        const chat = chatOf(opened, p.phone);
        if (!chat) throw new Error(`no chat for ${p.phone}`);
        p.chatId = chat.id;
      }
      await sleep(1_000);
      const logsFrom = bff.logs.length;

      // The run: open loop, one message each way every 1/PER_SECOND s, customers in turn (each writes every 2.5 s).
      const total = PER_SECOND * SECONDS;
      const started = Date.now();
      const inFlight: Promise<void>[] = [];
      for (let k = 0; k < total; k++) {
        const due = started + (k * 1000) / PER_SECOND;
        if (due > Date.now()) await sleep(due - Date.now());
        inFlight.push(writes(k % CUSTOMERS, `${tag} c${k % CUSTOMERS} m${k + 1}`));
        const j = (k + CUSTOMERS / 2) % CUSTOMERS;
        inFlight.push(answers(j, `${tag} c${j} r${k}`));
      }
      await Promise.all(inFlight);
      const sendSeconds = (Date.now() - started) / 1000;

      // The chat holds the agents' replies too: only the customers' own messages count here.
      const customerText = (t: string) => new RegExp(`^${tag} c\\d+ m\\d+$`).test(t);
      const phone = async () =>
        (await call<{ messages: PhoneMessage[] }>(`${sandbox.url}/sandbox/kaleyra/messages?from=${encodeURIComponent(business)}`)).body
          .messages;
      const inboundSeen = (list: ChatView[]) => people.reduce((n, p) => n + texts(chatOf(list, p.phone)).filter(customerText).length, 0);
      const replyTexts = new Set(replies.map((r) => r.text));
      const outboundSeen = (list: PhoneMessage[]) => list.filter((m) => m.body && replyTexts.has(m.body)).length;
      const settled = async () => ({ chats: await chats(), phone: await phone() });
      await waitUntil(settled, (s) => inboundSeen(s.chats) >= CUSTOMERS + total && outboundSeen(s.phone) >= replies.length, 60_000);
      // Late duplicates would arrive now, if at all.
      await sleep(2_000);
      const final = await settled();

      let lostIn = 0;
      let dupIn = 0;
      let disorderedIn = 0;
      for (const p of people) {
        const got = texts(chatOf(final.chats, p.phone)).filter(customerText);
        const counts = new Map<string, number>();
        for (const t of got) counts.set(t, (counts.get(t) ?? 0) + 1);
        for (const w of p.written) if (!counts.has(w)) lostIn++;
        for (const n of counts.values()) if (n > 1) dupIn += n - 1;
        const order = got.filter((t, idx) => got.indexOf(t) === idx);
        if (order.join('\n') !== p.written.filter((w) => counts.has(w)).join('\n')) disorderedIn++;
      }
      let lostOut = 0;
      let dupOut = 0;
      let disorderedOut = 0;
      for (const [i, p] of people.entries()) {
        const mine = replies.filter((r) => r.i === i).map((r) => r.text);
        const got = final.phone.filter((m) => m.to === p.phone && m.body?.startsWith(`${tag} `)).map((m) => m.body!);
        const counts = new Map<string, number>();
        for (const t of got) counts.set(t, (counts.get(t) ?? 0) + 1);
        for (const t of mine) if (!counts.has(t)) lostOut++;
        for (const n of counts.values()) if (n > 1) dupOut += n - 1;
        const order = got.filter((t, idx) => got.indexOf(t) === idx);
        if (order.join('\n') !== mine.filter((t) => counts.has(t)).join('\n')) disorderedOut++;
      }

      const lines = relayedLines(bff.logs, logsFrom);
      console.log(
        `   sent ${total} customer messages and ${replies.length} agent replies in ${fmt(sendSeconds)} s${failures.length ? `; ${failures.length} calls refused, e.g. ${failures[0]}` : ''}`,
      );
      for (const [direction, label, received, lost, dup, disordered] of [
        [
          'inbound',
          "Kaleyra's webhook → LiveChat's send_event answered",
          inboundSeen(final.chats) - CUSTOMERS,
          lostIn,
          dupIn,
          disorderedIn,
        ],
        ['outbound', "LiveChat's incoming_event → Kaleyra's send answered", outboundSeen(final.phone), lostOut, dupOut, disorderedOut],
      ] as const) {
        const mine = lines.filter((l) => l.direction === direction);
        const bffMs = mine.map((l) => l.bffMs ?? NaN);
        const providerMs = mine.map((l) => l.providerMs ?? NaN);
        const waitedMs = mine.map((l) => l.waitedMs ?? NaN);
        console.log(
          `   ${direction} (${label}): BFF adds p50 ${fmt(quantile(bffMs, 0.5))} ms, p99 ${fmt(quantile(bffMs, 0.99))} ms, max ${fmt(quantile(bffMs, 1))} ms over ${mine.length} messages   (goal p99 ≤ ${GOAL_P99_MS} ms); of it waiting to start p50 ${fmt(quantile(waitedMs, 0.5))} ms, p99 ${fmt(quantile(waitedMs, 0.99))} ms`,
        );
        console.log(
          `      left out, the providers' own time: p50 ${fmt(quantile(providerMs, 0.5))} ms, p99 ${fmt(quantile(providerMs, 0.99))} ms; sandbox received ${received}, lost ${lost}, duplicated ${dup}, customers out of order ${disordered}   [load ${loadNow()}]`,
        );
      }
    });
  } catch (err) {
    console.log(`   could not run: ${(err as Error).message}`);
  }
}
