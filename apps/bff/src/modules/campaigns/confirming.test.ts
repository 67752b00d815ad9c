import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, type Stack } from '../../test/stack.ts';
import { csvOf, customer, poll, sandboxMessages, upload, waitForStatus } from '../../test/campaign-test-kit.ts';

// Whole stacks (BFF, sandbox, pg-boss workers) per suite: generous limits for a busy machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * A send whose answer never came (Kaleyra's request timed out) has an unknown outcome: Kaleyra may have sent it.
 * It is never simply sent again. The recipient shows as `confirming` while Kaleyra's status callbacks (they carry
 * our ref) settle it; only when nothing arrives within the confirmation window is it sent again, with the same
 * ref. The sandbox's ref de-duplication is off, so every send it receives is a message to the customer.
 */
describe.each(DB_KINDS)('unknown send outcomes on %s', (kind) => {
  let s: Stack;
  let owner: string;
  let numberId: string;
  let acmeNumber: string;

  beforeAll(async () => {
    s = await startStack(kind, {
      workers: true,
      sandbox: { kaleyraCallbackDelayMs: 1_000, kaleyraDedupeRefs: false },
      env: { SEND_CONFIRM_WINDOW_SECONDS: '8' },
    });
    owner = await s.token(s.orgs[0]!, 'owner');
    const n = (await s.api(owner, '/api/numbers')).body.numbers[0];
    numberId = n.id;
    acmeNumber = n.number;
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Launches a one-recipient campaign whose single send reaches Kaleyra but times out at our end (3 s in the stack). */
  async function launchTimedOut() {
    const to = customer();
    const id = (await upload(s, owner, { numberId }, csvOf([[to, 'Al', '1']]))).body.campaign.id as string;
    await s.sandboxControl('/sandbox/kaleyra/fail-next', { mode: 'timeout', number: acmeNumber, hang_ms: 5_000 });
    await s.api(owner, `/api/campaigns/${id}/launch`, { body: {} });
    const seen = await poll(
      async () => (await s.api(owner, `/api/campaigns/${id}/recipients`)).body.recipients[0],
      (r) => r?.status !== 'pending' && r?.status !== 'sending',
      60_000,
    );
    return { id, to, seen };
  }

  it('an answer that never came is settled from the status callbacks, and not sent again', async () => {
    const { id, to, seen } = await launchTimedOut();
    expect(seen.status).toBe('confirming');
    const done = await waitForStatus(s, owner, id, ['completed'], 90_000);
    expect(done.counts.failed).toBe(0);
    const recipient = (await s.api(owner, `/api/campaigns/${id}/recipients`)).body.recipients[0];
    expect(['sent', 'delivered', 'read']).toContain(recipient.status);
    // Kaleyra got it once, although our side never heard its answer.
    expect((await sandboxMessages(s, acmeNumber)).filter((m) => m.to === to)).toHaveLength(1);
  });

  it('with no word from Kaleyra within the window, it is sent again once, with the same ref', async () => {
    // No callback profile: Kaleyra has nowhere to report to.
    await s.sandboxControl(`/sandbox/kaleyra/numbers/${encodeURIComponent(acmeNumber)}/callback-profile`, undefined, 'DELETE');
    const { id, to, seen } = await launchTimedOut();
    expect(seen.status).toBe('confirming');
    const done = await waitForStatus(s, owner, id, ['completed'], 90_000);
    expect(done.counts.failed).toBe(0);
    const recipient = (await s.api(owner, `/api/campaigns/${id}/recipients`)).body.recipients[0];
    expect(recipient.status).toBe('sent');
    expect(recipient.attempts).toBeGreaterThanOrEqual(2);
    const sent = (await sandboxMessages(s, acmeNumber)).filter((m) => m.to === to);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.ref).toBe(sent[0]!.ref);
  });
});
