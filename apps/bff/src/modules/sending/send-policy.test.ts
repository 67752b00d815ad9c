import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, waitFor, type Stack } from '../../test/stack.ts';
import { csvOf, customer, retryWithFile, upload } from '../../test/campaign-test-kit.ts';
import { PATH_TRAITS, SEND_PATHS, SEND_REFUSAL_CODES, type SendPath } from './send-policy.ts';
import { agentReplies, chatsOf, connectRelay, outboundRow, type RelayFixture } from '../../test/relay-test-kit.ts';

// Every rule × every send path, on a real stack: uploads, launches and dispatch lanes take a while on a busy machine.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 180_000 });

/** What a send path does for one recipient: `null` when the message went out, else the refusal's code. */
interface PathRunner {
  /** Everything the path needs before the rule is broken (a draft, a launched campaign, a failed recipient). */
  prepare(to: string): Promise<unknown>;
  run(to: string, prepared: unknown): Promise<string | null>;
}

interface Rule {
  name: string;
  code: string;
  applies(path: SendPath): boolean;
  /** Breaks the rule for this recipient; returns what puts it back. */
  breakFor(to: string): Promise<() => Promise<void>>;
}

describe.each(DB_KINDS)('one send policy for every send path (%s)', (kind) => {
  let s: Stack;
  let owner: string;
  let orgId: string;
  let numberId: string;
  let numberE164: string;

  const sql = <T = any>(text: string, params: unknown[] = []) => s.database.query<T>(text, params);
  const variables = ['Al', 'A-1', 'Monday'];

  /** The customer writes: the window for free text opens (every path starts from a recipient who may be messaged). */
  async function openWindow(to: string) {
    await s.sandboxControl('/sandbox/kaleyra/incoming', { to: numberE164, from: to, body: 'hello' });
    await waitFor(
      () => sql('select 1 from customer_windows where recipient = $1', [to]),
      (rows) => rows.length === 1,
    );
  }

  async function draftFor(to: string): Promise<string> {
    const created = await upload(s, owner, { numberId }, csvOf([[to, ...variables.slice(0, 2)]]));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.campaign.id;
  }

  async function recipientOf(campaignId: string) {
    return (await s.api(owner, `/api/campaigns/${campaignId}/recipients`)).body.recipients[0];
  }

  // Values for every variable the file has no column for (a template's header and buttons may carry some).
  const RETRY_FALLBACKS = ['', '', ...Array.from({ length: 18 }, () => 'soon')];
  const problemCode = (r: { status: number; body: any }) => (r.status < 300 ? null : String(r.body?.code));
  /** Breaks a rule by an opt-out from `source`, held under the number as `stored` keeps it. */
  const optedOut =
    (source: 'manual' | 'keyword', stored: (to: string) => string): Rule['breakFor'] =>
    async (to) => {
      const recipient = stored(to);
      await sql(`insert into opt_outs (organization_id, recipient, source) values ($1, $2, '${source}')`, [orgId, recipient]);
      return async () => void (await sql('delete from opt_outs where organization_id = $1 and recipient = $2', [orgId, recipient]));
    };

  // WhatsApp chats in LiveChat: connected once, on first use, so the customer's first message opens their chat.
  let relay: RelayFixture | null = null;

  const runners: Record<SendPath, PathRunner> = {
    relay_reply: {
      // The customer's message (openWindow) made their chat; the agent answers in it.
      prepare: async (to) => {
        if (!relay) {
          relay = await connectRelay(s, s.orgs[0]!);
          await s.sandboxControl('/sandbox/kaleyra/incoming', { to: numberE164, from: to, body: 'hello again' });
        }
        return (
          await waitFor(
            () => chatsOf(s, s.orgs[0]!, to),
            (c) => c.length === 1,
          )
        )[0]!.id;
      },
      run: async (_to, chatId) => {
        const eventId = await agentReplies(s, relay!.agent, chatId as string, { type: 'message', text: 'Your parcel is on its way' });
        const row = await outboundRow(s, eventId);
        return row.status === 'sent' ? null : (row.error_code ?? row.status);
      },
    },
    template: {
      prepare: async () => null,
      run: async (to) =>
        problemCode(
          await s.api(owner, '/api/messages', {
            body: { kind: 'template', numberId, to, templateName: 'order_shipped', language: 'en_US', variables, clientRef: randomUUID() },
          }),
        ),
    },
    text: {
      prepare: async () => null,
      run: async (to) =>
        problemCode(
          await s.api(owner, '/api/messages', {
            body: { kind: 'text', numberId, to, text: 'Your parcel is on its way', clientRef: randomUUID() },
          }),
        ),
    },
    campaign_test_send: {
      prepare: async () => draftFor(customer()),
      run: async (to, campaignId) => problemCode(await s.api(owner, `/api/campaigns/${campaignId}/test-send`, { body: { to } })),
    },
    campaign_dispatch: {
      // The recipient's conversation is open at launch (nothing reserved), so a closed conversation with an empty
      // balance at the claim is the balance rule's case.
      prepare: async (to) => {
        expect(await runners.template.run(to, null)).toBeNull();
        const id = await draftFor(to);
        const launched = await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} });
        expect(launched.status, JSON.stringify(launched.body)).toBe(200);
        return id;
      },
      run: async (_to, campaignId) => {
        const id = campaignId as string;
        await s.services.campaignDispatcher.runLane(id);
        const campaign = (await s.api(owner, `/api/campaigns/${id}`)).body.campaign;
        if (campaign.status === 'paused') return campaign.pausedReason;
        const r = await recipientOf(id);
        return r.status === 'skipped' || r.status === 'failed'
          ? r.reasonCode
          : (expect(['sent', 'delivered', 'read']).toContain(r.status), null);
      },
    },
    campaign_retry: {
      // A recipient of a finished campaign whose send failed in a way that may be retried.
      prepare: async (to) => {
        const id = (await runners.campaign_dispatch.prepare(to)) as string;
        expect(await runners.campaign_dispatch.run(to, id)).toBeNull();
        await sql(`update campaign_recipients set status = 'failed', reason = 'retries_exhausted' where campaign_id = $1`, [id]);
        await waitFor(
          async () => (await s.api(owner, `/api/campaigns/${id}`)).body.campaign.status,
          (st) => st === 'completed',
        );
        return id;
      },
      run: async (to, campaignId) => {
        const id = campaignId as string;
        const r = await retryWithFile(s, owner, id, csvOf([[to, ...variables.slice(0, 2)]]), RETRY_FALLBACKS);
        if (r.status >= 300) return String(r.body.code);
        const recipient = await recipientOf(id);
        return recipient.status === 'skipped' ? recipient.reasonCode : (expect(recipient.status).toBe('pending'), null);
      },
    },
  };

  const setOrg = (status: string) => sql('update organizations set status = $2 where id = $1', [orgId, status]);
  const setNumber = (column: string, value: unknown) => sql(`update numbers set ${column} = $2 where id = $1`, [numberId, value]);
  const everywhere = () => true;

  const rules: Rule[] = [
    {
      name: 'C.5: the terms of the current installation are not accepted',
      code: 'terms_not_accepted',
      applies: everywhere,
      breakFor: async () => {
        await sql('update organization_lifecycle set installation = installation + 1 where organization_id = $1', [orgId]);
        return async () =>
          void (await sql('update organization_lifecycle set installation = installation - 1 where organization_id = $1', [orgId]));
      },
    },
    {
      name: 'F.2: the business is suspended',
      code: 'organization_suspended',
      applies: everywhere,
      breakFor: async () => (await setOrg('suspended'), async () => void (await setOrg('active'))),
    },
    {
      name: 'E: the business lost access',
      code: 'account_closed',
      applies: everywhere,
      breakFor: async () => (await setOrg('terminated'), async () => void (await setOrg('active'))),
    },
    {
      name: "F.1: the number's plan is not paid",
      code: 'number_not_active',
      applies: everywhere,
      breakFor: async () => (await setNumber('plan_status', 'past_due'), async () => void (await setNumber('plan_status', 'active'))),
    },
    {
      name: 'F.2: sending from the number was revoked',
      code: 'sending_revoked',
      applies: everywhere,
      breakFor: async () => (await setNumber('sending_revoked', true), async () => void (await setNumber('sending_revoked', false))),
    },
    {
      name: "F.1: the number's plan does not include campaigns",
      code: 'plan_limit',
      applies: (p) => PATH_TRAITS[p].campaign,
      breakFor: async () => {
        const [charge] = await sql<{ id: string; item: string }>(
          `select id, item from charges where number_id = $1 and kind = 'recurrent' order by created_at desc, id desc limit 1`,
          [numberId],
        );
        await sql('update charges set item = $2 where id = $1', [charge!.id, charge!.item.replace(/^plan:[^:]+:/, 'plan:starter:')]);
        return async () => void (await sql('update charges set item = $2 where id = $1', [charge!.id, charge!.item]));
      },
    },
    {
      name: 'F.4: the customer opted out',
      code: 'opted_out',
      applies: everywhere,
      breakFor: optedOut('manual', (to) => to),
    },
    {
      name: 'L.11b: the customer was erased after opting out',
      code: 'opted_out',
      applies: everywhere,
      breakFor: optedOut('keyword', (to) => s.services.privacy.recipients.hasher.hash(orgId, to)),
    },
    {
      name: 'L.11c: processing of the customer’s data is restricted',
      code: 'recipient_restricted',
      applies: everywhere,
      breakFor: async (to) => {
        expect((await s.api(owner, '/api/privacy/recipients/restrict', { body: { phone: to, reason: 'Asked by letter' } })).status).toBe(
          200,
        );
        return async () => void (await s.api(owner, '/api/privacy/recipients/unrestrict', { body: { phone: to } }));
      },
    },
    {
      name: 'the customer has not written in the last 24 hours (free text only)',
      code: 'window_closed',
      applies: (p) => PATH_TRAITS[p].freeText,
      breakFor: async (to) => (await sql('delete from customer_windows where recipient = $1', [to]), async () => {}),
    },
    {
      name: 'the balance does not cover the conversation the send opens',
      code: 'insufficient_balance',
      applies: everywhere,
      breakFor: async (to) => {
        await sql('update conversations set expires_at = $2 where recipient = $1', [to, new Date(Date.now() - 60_000)]);
        const remaining: number = (await s.api(owner, '/api/balance')).body.remaining;
        if (remaining > 0)
          await s.services.ledger.debit({
            organizationId: orgId,
            amount: remaining,
            reason: 'forfeited',
            key: `test-drain:${randomUUID()}`,
          });
        return async () => {
          if (remaining > 0)
            await s.services.ledger.credit({
              organizationId: orgId,
              amount: remaining,
              reason: 'operator_credit',
              key: `test-refill:${randomUUID()}`,
            });
        };
      },
    },
  ];

  beforeAll(async () => {
    s = await startStack(kind, { env: { CAMPAIGN_PAIR_INTERVAL_SECONDS: '0' } });
    owner = await s.token(s.orgs[0]!, 'owner');
    orgId = s.orgs[0]!.id;
    const n =
      (await s.api(owner, '/api/numbers')).body.numbers.find((x: any) => x.apiVersion === 'v2') ??
      (await s.api(owner, '/api/numbers')).body.numbers[0];
    numberId = n.id;
    numberE164 = n.number;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the table names every send path the policy knows, and a rule for every refusal it can give', () => {
    expect(Object.keys(runners).sort()).toEqual([...SEND_PATHS].sort());
    expect(Object.keys(PATH_TRAITS).sort()).toEqual([...SEND_PATHS].sort());
    expect([...new Set(rules.map((r) => r.code))].sort()).toEqual([...SEND_REFUSAL_CODES].sort());
  });

  it('every rule refuses every send path it applies to with the same code, and lets the others through', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const rule of rules) {
      for (const path of SEND_PATHS) {
        const to = customer();
        await openWindow(to);
        const prepared = await runners[path].prepare(to);
        const restore = await rule.breakFor(to);
        let code: string | null;
        try {
          code = await runners[path].run(to, prepared);
        } finally {
          await restore();
        }
        outcomes.push(`${rule.name} × ${path}: ${code ?? 'sent'}`);
        expected.push(`${rule.name} × ${path}: ${rule.applies(path) ? rule.code : 'sent'}`);
      }
    }
    expect(outcomes).toEqual(expected);
    // The dispatcher logs through the campaigns module's own child logger.
    const paused = s.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'campaign paused');
    expect(paused.length).toBeGreaterThan(0);
    expect(paused.every((l) => l.module === 'campaigns')).toBe(true);
  });

  it('L.11c: a campaign test send to a restricted number is refused with the code of a one-on-one send, and nothing reaches the customer', async () => {
    const to = customer();
    const draft = await draftFor(customer());
    expect((await s.api(owner, '/api/privacy/recipients/restrict', { body: { phone: to, reason: 'Objected by phone' } })).status).toBe(200);
    const oneOnOne = await s.api(owner, '/api/messages', {
      body: { kind: 'template', numberId, to, templateName: 'order_shipped', language: 'en_US', variables, clientRef: randomUUID() },
    });
    const testSend = await s.api(owner, `/api/campaigns/${draft}/test-send`, { body: { to } });
    expect(oneOnOne.status).toBe(409);
    expect(oneOnOne.body.code).toBe('recipient_restricted');
    expect({ status: testSend.status, code: testSend.body.code }).toEqual({ status: oneOnOne.status, code: oneOnOne.body.code });
    const seen = (await s.sandboxControl<{ messages: { to: string }[] }>('/sandbox/kaleyra/messages')).messages;
    expect(seen.some((m) => m.to === to)).toBe(false);
  });
});
