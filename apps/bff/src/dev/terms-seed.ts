import type { OrganizationRow } from '../modules/organizations/organizations.repo.ts';
import type { LifecycleService } from '../modules/lifecycle/lifecycle.service.ts';

/**
 * Development and e2e only. Seeded organizations behave like businesses whose owner accepted the terms on first
 * use, so that signing in and sending works at once, except Cedar Dental: a brand-new customer that shows the
 * acceptance screen and the 14-day money-back guarantee.
 */
export const NEW_CUSTOMER_ORG_IDS: ReadonlySet<string> = new Set(['6a2c4e8d-1f3b-4c5d-9e70-00000000ced1']);

export async function seedTermsAcceptance(
  lifecycle: LifecycleService,
  org: OrganizationRow,
  sandboxOrg: { timezone?: string; accounts?: { account_id: string; email: string; name?: string; role: string }[] },
): Promise<void> {
  if (NEW_CUSTOMER_ORG_IDS.has(org.id)) return;
  const owner = sandboxOrg.accounts?.find((a) => a.role === 'owner');
  if (!owner) return;
  await lifecycle.acceptTerms(
    { accountId: owner.account_id, organizationId: org.id, name: owner.name ?? null, email: owner.email, role: 'owner' },
    org,
    { version: lifecycle.terms.version, ...(sandboxOrg.timezone ? { timeZone: sandboxOrg.timezone } : {}) },
  );
}
