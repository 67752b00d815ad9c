import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { ledgerEntries } from '../db/schema.ts';
import { startStack, waitFor, type SandboxOrg, type Stack } from './stack.ts';
import type { DbKind } from './test-db.ts';

/** A random valid UK landline in E.164, as an owner would connect a new number. */
export const freshBusinessNumber = () => `+44207946${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;

export interface BillingStack {
  s: Stack;
  acme: SandboxOrg;
  bistro: SandboxOrg;
  owner: string;
  agent: string;
}

/**
 * The billing files' shared stack (Acme and Bistro, Acme's owner and agent) and the steps of a purchase as the
 * owner and the host's payment modal take them. `start` fills the stack in; the helpers read it when called.
 */
export function billingSuite(kind: DbKind) {
  const t = {} as BillingStack;
  const balance = async (token = t.owner) => (await t.s.api(token, '/api/balance')).body.remaining as number;
  const purchases = (orgId: string, chargeId: string) =>
    t.s.database.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.organizationId, orgId), eq(ledgerEntries.reason, 'purchase'), eq(ledgerEntries.reference, chargeId)));
  const buy = async (packageId: string, token = t.owner) => {
    const r = await t.s.api(token, '/api/billing/packages', { body: { packageId } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { bill: { id: string; priceCents: number; status: string }; charge: { id: string; price: number } };
  };
  /** What the host's payment modal does when the owner clicks "Confirm payment" / "Cancel". */
  const modal = (chargeKind: 'direct' | 'recurrent', id: string, action: 'accept' | 'decline') =>
    t.s.sandboxControl(`/sandbox/billing/${chargeKind}/${id}/${action}`, {});
  const confirm = (id: string, token = t.owner) => t.s.api(token, `/api/billing/charges/${id}/confirm`, { method: 'POST' });
  const confirmUntilSettled = (id: string, token = t.owner) =>
    waitFor(
      () => confirm(id, token),
      (r) => r.status !== 200 || r.body.settled === true,
      30_000,
    );

  const start = async (): Promise<BillingStack> => {
    t.s = await startStack(kind);
    [t.acme, t.bistro] = t.s.orgs as [SandboxOrg, SandboxOrg];
    t.owner = await t.s.token(t.acme, 'owner');
    t.agent = await t.s.token(t.acme, 'agent');
    return t;
  };

  return { start, balance, purchases, buy, modal, confirm, confirmUntilSettled };
}
