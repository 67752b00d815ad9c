import { BILLING_CYCLE_MONTHS, CatalogSchema, type BillingCycle, type Catalog, type CatalogPackage, type CatalogPlan } from '@wa/contracts';
import { jsonEnv } from '../../lib/json-env.ts';

/**
 * What we sell when CATALOG_JSON is unset (F.1): three plans per number, three prepaid packages (C.2).
 * Prices are integer cents (USD), as LiveChat's Billing API takes them.
 */
export const DEFAULT_CATALOG: Catalog = {
  currency: 'USD',
  plans: [
    {
      id: 'starter',
      name: 'Starter',
      description: 'One-on-one messages from the chat sidebar.',
      limits: { messagesPerSecond: 10, campaigns: false },
      prices: { monthly: 1900, annual: 19000 },
    },
    {
      id: 'standard',
      name: 'Standard',
      description: 'One-on-one messages and bulk campaigns.',
      limits: { messagesPerSecond: 40, campaigns: true },
      prices: { monthly: 2900, annual: 29000 },
    },
    {
      id: 'full',
      name: 'Full',
      description: "Campaigns at WhatsApp's full speed for one number.",
      limits: { messagesPerSecond: 80, campaigns: true },
      prices: { monthly: 4900, annual: 49000 },
    },
  ],
  packages: [
    { id: '100', conversations: 100, price: 1200 },
    { id: '500', conversations: 500, price: 4900 },
    { id: '1000', conversations: 1000, price: 8900 },
  ],
};

const UniqueCatalogSchema = CatalogSchema.superRefine((c, ctx) => {
  for (const [key, list] of [
    ['plans', c.plans],
    ['packages', c.packages],
  ] as const) {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id "${item.id}"` });
      seen.add(item.id);
    });
  }
});

/** CATALOG_JSON → Catalog; config.ts reports the failing paths and the process exits at boot. */
export const CatalogJsonSchema = jsonEnv(UniqueCatalogSchema, DEFAULT_CATALOG);

/** A catalog item as it is recorded on a charge: `package:500`, `plan:standard:monthly`. */
export type CatalogItem = { kind: 'package'; package: CatalogPackage } | { kind: 'plan'; plan: CatalogPlan; cycle: BillingCycle };

export function findPackage(catalog: Catalog, id: string): CatalogPackage | undefined {
  return catalog.packages.find((p) => p.id === id);
}

export function findPlan(catalog: Catalog, id: string): CatalogPlan | undefined {
  return catalog.plans.find((p) => p.id === id);
}

export function packageItem(p: CatalogPackage): string {
  return `package:${p.id}`;
}

export function planItem(plan: CatalogPlan, cycle: BillingCycle): string {
  return `plan:${plan.id}:${cycle}`;
}

/** The charge's name in LiveChat's payment modal and on the owner's invoice. */
export function packageChargeName(p: CatalogPackage): string {
  return `WhatsApp conversations — ${p.conversations} package`;
}

export function planChargeName(plan: CatalogPlan, cycle: BillingCycle): string {
  return `WhatsApp Business — ${plan.name} plan (${cycle})`;
}

export function planPrice(plan: CatalogPlan, cycle: BillingCycle): { price: number; months: number } {
  return { price: plan.prices[cycle], months: BILLING_CYCLE_MONTHS[cycle] };
}

/** Reads back a charge's `item`; plans or packages removed from the catalog since are still named. */
export function parsePlanItem(item: string): { planId: string; cycle: BillingCycle } | null {
  const m = /^plan:([a-z0-9-]+):(monthly|annual)$/.exec(item);
  return m ? { planId: m[1]!, cycle: m[2] as BillingCycle } : null;
}

/**
 * The catalog package a Billing API charge we have no record of was created for, recognised by exactly the
 * name and price our code gives such charges. Anything else is not ours to credit.
 */
export function packageForRemoteCharge(
  catalog: Catalog,
  charge: { name: string; price: number; quantity: number },
): CatalogPackage | undefined {
  if (charge.quantity !== 1) return undefined;
  return catalog.packages.find((p) => packageChargeName(p) === charge.name && p.price === charge.price);
}
