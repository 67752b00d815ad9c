import pg from 'pg';
import { call, ownerToken } from '../src/test/process-kit.ts';
import { ACME, BENCH_ENV, LIMIT, prng, uploadBenchCampaign, withBenchProcesses } from './bench-kit.ts';

// ---- 3. two instances, one killed -------------------------------------------------------------

/**
 * Two BFF instances share one campaign (3,000 recipients on Acme's number, 4 lanes); Kaleyra calls back through
 * instance A. Instance B is killed with SIGKILL mid-campaign. Figure: the longest time with no send accepted by
 * Kaleyra, from a second before the kill to the last send. The sandbox's ref de-duplication is off, so a
 * message sent twice would show as a repeated ref.
 */
export async function benchTakeover() {
  const size = 3_000;
  const sandboxOptions = { rateLimitPerSecond: LIMIT, callbackDelayMs: 250, dedupeRefs: false, callbackRetrySeconds: 60 };
  return withBenchProcesses(
    sandboxOptions,
    async ({ sandbox, db, startBff }) => {
      const env = { ...BENCH_ENV, DEV_SEED_PLAN: 'full', CAMPAIGN_DISPATCH_LANES: '4', SEND_CONFIRM_WINDOW_SECONDS: '75' };
      const a = await startBff({ env });
      const b = await startBff({ seed: false, publicBaseUrl: a.url, env });
      const client = new pg.Client({ connectionString: db.url! });
      await client.connect();
      await client.query(
        `insert into ledger_entries (organization_id, delta, reason, idempotency_key, reference) values ($1, $2, 'operator_credit', $3, 'bench')`,
        [ACME, size + 100, `${ACME}:bench-credit`],
      );
      const token = await ownerToken(sandbox.url, ACME);
      const number = (await call(`${b.url}/api/numbers`, { token })).body.numbers[0];
      const rand = prng(11);
      const id = await uploadBenchCampaign(b.url, token, { numberId: number.id, name: 'Bench takeover', recipients: size, rand });
      await call(`${b.url}/api/campaigns/${id}/launch`, { token, body: {} });
      const started = Date.now();
      // Kill once the lanes are spread over both instances and a good part is out.
      let holders = 0;
      for (;;) {
        const c = (await call(`${a.url}/api/campaigns/${id}`, { token })).body.campaign;
        holders = (
          await client.query(`select count(distinct holder) as n from dispatch_leases where key like $1 and expires_at > $2`, [
            `lane:${id}:%`,
            Date.now(),
          ])
        ).rows[0].n;
        if (c.counts.sent + c.counts.delivered + c.counts.read >= size / 3) break;
        if (Date.now() - started > 120_000) throw new Error('campaign did not get going');
        await new Promise((r) => setTimeout(r, 250));
      }
      const killedAt = Date.now();
      await b.kill('SIGKILL');
      let done;
      for (;;) {
        done = (await call(`${a.url}/api/campaigns/${id}`, { token })).body.campaign;
        if (done.status === 'completed') break;
        if (Date.now() - killedAt > 300_000) throw new Error(`not completed 5 minutes after the kill: ${JSON.stringify(done.counts)}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
      await client.end();
      const { body } = await call(`${sandbox.url}/sandbox/kaleyra/messages?from=${encodeURIComponent(number.number)}`);
      const messages = body.messages as { to: string; ref?: string; accepted_at: string }[];
      const times = messages.map((m) => Date.parse(m.accepted_at)).sort((x, y) => x - y);
      const longestGap = (ts: number[]) => {
        const after = ts.filter((t) => t >= killedAt - 1_000);
        let gap = 0;
        let at = killedAt;
        for (let i = 1; i < after.length; i++) {
          if (after[i]! - after[i - 1]! > gap) {
            gap = after[i]! - after[i - 1]!;
            at = after[i - 1]!;
          }
        }
        return { gap, at };
      };
      const { gap, at: gapAt } = longestGap(times);
      // Recipients sent more than once: the dead instance's claims (those it never called go again at once; those
      // in flight with no word from Kaleyra wait for the confirmation window) and 429 retries. Without them, the
      // gap is the takeover's own.
      const waited = new Set<string>();
      for (let offset = 0; offset < size; offset += 200) {
        const page = await call(`${a.url}/api/campaigns/${id}/recipients?limit=200&offset=${offset}`, { token });
        for (const r of page.body.recipients as { messageId: string | null; attempts: number }[])
          if (r.attempts > 1 && r.messageId) waited.add(r.messageId);
      }
      const takeover = longestGap(
        messages
          .filter((m) => !m.ref || !waited.has(m.ref))
          .map((m) => Date.parse(m.accepted_at))
          .sort((x, y) => x - y),
      );
      if (process.env.BENCH_VERBOSE) {
        // Sends per second around the kill, and what the survivor logged.
        const perSecond = new Map<number, number>();
        for (const t of times)
          perSecond.set(Math.floor((t - killedAt) / 1000), (perSecond.get(Math.floor((t - killedAt) / 1000)) ?? 0) + 1);
        console.log(
          '   sends per second from the kill:',
          [...perSecond]
            .filter(([sec]) => sec >= -3)
            .map(([sec, n]) => `${sec}:${n}`)
            .join(' '),
        );
        console.log(a.logs.slice(-40).join('').slice(-6000));
      }
      const refs = new Map<string, number>();
      for (const m of messages) if (m.ref) refs.set(m.ref, (refs.get(m.ref) ?? 0) + 1);
      const perRecipient = new Set(messages.map((m) => m.to));
      return {
        gapS: gap / 1000,
        gapAfterKillS: (gapAt - killedAt) / 1000,
        takeoverGapS: takeover.gap / 1000,
        takeoverGapAfterKillS: (takeover.at - killedAt) / 1000,
        waited: waited.size,
        holdersAtKill: Number(holders),
        killAtS: (killedAt - started) / 1000,
        messages: messages.length,
        recipients: perRecipient.size,
        resentRefs: [...refs.values()].filter((n) => n > 1).length,
        failed: done.counts.failed as number,
        completedAfterKillS: (Date.now() - killedAt) / 1000,
      };
    },
    { signal: 'SIGKILL' },
  );
}
