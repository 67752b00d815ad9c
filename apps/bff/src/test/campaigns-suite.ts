import { startStack, type Stack } from './stack.ts';
import type { DbKind } from './test-db.ts';

/** The stack the campaign end-to-end files share: workers on, fast Kaleyra callbacks, Acme's owner and first number. */
export async function startCampaignsStack(kind: DbKind) {
  const s: Stack = await startStack(kind, { workers: true, sandbox: { kaleyraCallbackDelayMs: 20 } });
  const owner = await s.token(s.orgs[0]!, 'owner');
  const agent = await s.token(s.orgs[0]!, 'agent');
  const n = (await s.api(owner, '/api/numbers')).body.numbers[0];
  return { s, owner, agent, numberId: n.id as string, acmeNumber: n.number as string, orgId: s.orgs[0]!.id };
}
