import { afterAll, beforeAll } from 'vitest';
import { startStack, type SandboxOrg, type Stack } from './stack.ts';
import type { DbKind } from './test-db.ts';

/** One organization of the stack as the tests act for it: its tokens and its first connected number. */
export interface SendingOrg {
  org: SandboxOrg;
  owner: string;
  agent: string;
  numberId: string;
  /** The number itself, as Kaleyra sees it. */
  number: string;
  wabaId: string;
}

export interface SendingSuite extends SendingOrg {
  s: Stack;
  orgId: string;
  /** The second organization, for what one business must not reach of another. */
  other: SendingOrg;
  /** A template send by the first organization's agent from its first number. */
  send(to: string, body?: Record<string, unknown>): ReturnType<Stack['api']>;
  /** The remaining conversations of the token's organization (the first one's agent unless told). */
  balance(token?: string): Promise<number>;
  /** The message history with one customer, newest first, as the token's organization sees it. */
  history(to: string, token?: string): Promise<any[]>;
  /** Kaleyra fails the next send from `number` (the first organization's unless told) the way `mode` names. */
  failNext(mode: string, number?: string): Promise<unknown>;
}

/** A template send as the sidebar makes it (order_shipped with its three variables unless `body` says otherwise). */
export function sendTemplate(s: Stack, token: string, numberId: string, to: string, body: Record<string, unknown> = {}) {
  return s.api(token, '/api/messages', {
    body: {
      kind: 'template',
      numberId,
      to,
      templateName: 'order_shipped',
      language: 'en_US',
      variables: ['Ann', '#1', 'Monday'],
      clientRef: crypto.randomUUID(),
      ...body,
    },
  });
}

async function sendingOrg(s: Stack, org: SandboxOrg): Promise<SendingOrg> {
  const owner = await s.token(org, 'owner');
  const agent = await s.token(org, 'agent');
  const first = (await s.api(agent, '/api/numbers')).body.numbers[0] as { id: string; number: string; wabaId: string };
  return { org, owner, agent, numberId: first.id, number: first.number, wabaId: first.wabaId };
}

/**
 * One stack for the enclosing describe block: started before its tests, closed after them. Its fields are filled in
 * by the time the first test (or a later `beforeAll`) runs.
 */
export function sendingSuite(kind: DbKind, options?: Parameters<typeof startStack>[1]): SendingSuite {
  const t = {
    send: (to: string, body?: Record<string, unknown>) => sendTemplate(t.s, t.agent, t.numberId, to, body),
    balance: async (token = t.agent) => (await t.s.api(token, '/api/balance')).body.remaining as number,
    failNext: (mode: string, number = t.number) => t.s.sandboxControl('/sandbox/kaleyra/fail-next', { mode, number }),
    history: async (to: string, token = t.agent) => (await t.s.api(token, `/api/messages?to=${encodeURIComponent(to)}`)).body.messages,
  } as SendingSuite;
  beforeAll(async () => {
    const s = await startStack(kind, options);
    Object.assign(t, { s, orgId: s.orgs[0]!.id, ...(await sendingOrg(s, s.orgs[0]!)), other: await sendingOrg(s, s.orgs[1]!) });
  });
  afterAll(async () => {
    await t.s?.close();
  });
  return t;
}
