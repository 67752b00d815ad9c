import { and, eq, isNull } from 'drizzle-orm';
import { webhookUrls, type Services } from '../app.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { ledgerEntries, numbers } from '../db/schema.ts';
import type { Logger } from '../lib/logger.ts';
import { insertCharge } from '../modules/billing/billing.repo.ts';
import { findPackage, findPlan, packageChargeName, packageItem, planChargeName, planItem, planPrice } from '../modules/billing/catalog.ts';
import { ensureOrganization } from '../modules/organizations/organizations.repo.ts';
import { seedTermsAcceptance } from './terms-seed.ts';
import { sleep } from '../providers/http.ts';
import type { BillingPort } from '../providers/livechat-billing/billing.port.ts';

interface SandboxOrg {
  id: string;
  name: string;
  whatsapp_numbers: { number: string; display_name: string; api_version: 'v1' | 'v2'; waba_id: string }[];
  timezone?: string;
  accounts?: { account_id: string; email: string; name?: string; role: string }[];
}

/** What each seeded organization starts with, bought at catalog prices: a plan (DEV_SEED_PLAN, Standard) and a 500 package. */
function seedItems(config: Config) {
  const catalog = config.CATALOG_JSON;
  const plan = findPlan(catalog, config.DEV_SEED_PLAN) ?? findPlan(catalog, 'standard') ?? catalog.plans[0]!;
  const pkg = findPackage(catalog, '500') ?? catalog.packages[0]!;
  const { price, months } = planPrice(plan, 'monthly');
  return {
    plan: { item: planItem(plan, 'monthly'), name: planChargeName(plan, 'monthly'), priceCents: price, months },
    package: { item: packageItem(pkg), name: packageChargeName(pkg), priceCents: pkg.price, conversations: pkg.conversations },
  };
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${new URL(url).pathname} → ${res.status}`);
  return (await res.json()) as T;
}

/**
 * Development and end-to-end only: makes the BFF's database match the sandbox's seeded
 * organizations, going through the same Billing API flows an owner would.
 */
export async function seedFromSandbox(deps: {
  sandboxUrl: string;
  database: Database;
  services: Services;
  billing: BillingPort;
  config: Config;
  log: Logger;
}) {
  const { sandboxUrl, database, services, billing, config, log } = deps;
  const db = database.db;
  const { plan: SEED_PLAN, package: SEED_PACKAGE } = seedItems(config);
  let orgs: SandboxOrg[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      orgs = (await json<{ organizations: SandboxOrg[] }>(`${sandboxUrl}/sandbox/orgs`)).organizations;
      break;
    } catch {
      await sleep(200);
    }
  }
  if (!orgs.length) throw new Error(`sandbox at ${sandboxUrl} did not answer`);

  for (const o of orgs) {
    const org = await ensureOrganization(db, o.id);
    const { access_token: token } = await json<{ access_token: string }>(`${sandboxUrl}/sandbox/tokens`, {
      method: 'POST',
      body: JSON.stringify({ organization: o.id, role: 'owner' }),
    });

    for (const n of o.whatsapp_numbers) {
      let [row] = await db
        .select()
        .from(numbers)
        .where(and(eq(numbers.organizationId, org.id), eq(numbers.number, n.number), isNull(numbers.disconnectedAt)));
      if (!row) {
        const plan = await billing.createRecurrentCharge(token, {
          name: SEED_PLAN.name,
          price: SEED_PLAN.priceCents,
          months: SEED_PLAN.months,
          returnUrl: config.PUBLIC_BASE_URL,
          test: true,
        });
        await json(`${sandboxUrl}/sandbox/billing/recurrent/${plan.id}/accept`, { method: 'POST', body: '{}' });
        const active = await billing.activateRecurrentCharge(token, plan.id);
        [row] = await db
          .insert(numbers)
          .values({
            organizationId: org.id,
            number: n.number,
            displayName: n.display_name,
            apiVersion: n.api_version,
            wabaId: n.waba_id,
            planStatus: active.status === 'active' ? 'active' : 'pending',
          })
          .returning();
        await insertCharge(db, {
          id: plan.id,
          organizationId: org.id,
          kind: 'recurrent',
          item: SEED_PLAN.item,
          name: SEED_PLAN.name,
          priceCents: SEED_PLAN.priceCents,
          months: SEED_PLAN.months,
          numberId: row!.id,
          status: active.status,
          nextChargeAt: active.nextChargeAt,
          createdBy: 'seed',
        });
      }
      const urls = webhookUrls(config, org);
      await json(`${sandboxUrl}/sandbox/kaleyra/numbers/${encodeURIComponent(n.number)}/callback-profile`, {
        method: 'PUT',
        body: JSON.stringify({
          status_url: urls.statusUrl,
          incoming_url: urls.incomingUrl,
          username: urls.username,
          password: urls.password,
        }),
      });
      await services.numbers.syncNumber(row!).catch((err: Error) => log.warn({ err: err.message }, 'seed template sync failed'));
    }

    const [purchased] = await db
      .select({ id: ledgerEntries.id })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.organizationId, org.id), eq(ledgerEntries.reason, 'purchase')))
      .limit(1);
    if (!purchased) {
      const charge = await billing.createDirectCharge(token, {
        name: SEED_PACKAGE.name,
        price: SEED_PACKAGE.priceCents,
        quantity: 1,
        returnUrl: config.PUBLIC_BASE_URL,
        test: true,
      });
      await insertCharge(db, {
        id: charge.id,
        organizationId: org.id,
        kind: 'direct',
        item: SEED_PACKAGE.item,
        name: SEED_PACKAGE.name,
        priceCents: SEED_PACKAGE.priceCents,
        conversations: SEED_PACKAGE.conversations,
        status: charge.status,
        createdBy: 'seed',
      });
      await json(`${sandboxUrl}/sandbox/billing/direct/${charge.id}/accept`, { method: 'POST', body: '{}' });
      for (let i = 0; i < 50; i++) {
        const r = await services.billing.settle(org.id, charge.id, token);
        if (r.status === 'success' || r.status === 'failed' || r.status === 'declined') break;
        await sleep(100);
      }
    }
    await seedTermsAcceptance(services.lifecycle, org, o);
    log.info({ organizationId: org.id, name: o.name }, 'seeded from sandbox');
  }
}
