import { CatalogSchema } from '@wa/contracts';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config.ts';
import { DEFAULT_CATALOG, packageChargeName, packageForRemoteCharge, parsePlanItem, planItem } from './catalog.ts';

const base = {
  LIVECHAT_CLIENT_ID: 'c',
  APP_WEBHOOK_SECRET: 'x'.repeat(24),
  KALEYRA_SID: 's',
  KALEYRA_API_KEY: 'k',
};

describe('catalog (F.1)', () => {
  it('F.1: the defaults sell Starter, Standard and Full monthly or annually, and 100, 500 and 1000 conversations', () => {
    const c = CatalogSchema.parse(DEFAULT_CATALOG);
    expect(c.plans.map((p) => p.name)).toEqual(['Starter', 'Standard', 'Full']);
    for (const p of c.plans) {
      expect(Number.isInteger(p.prices.monthly) && Number.isInteger(p.prices.annual)).toBe(true);
      expect(p.prices.annual).toBeLessThan(p.prices.monthly * 12);
    }
    expect(c.packages.map((p) => p.conversations)).toEqual([100, 500, 1000]);
    expect(parseConfig(base).CATALOG_JSON).toEqual(DEFAULT_CATALOG);
  });

  it('F.1: comes from CATALOG_JSON when set', () => {
    const custom = {
      currency: 'EUR',
      plans: [{ id: 'solo', name: 'Solo', limits: { messagesPerSecond: 5, campaigns: false }, prices: { monthly: 990, annual: 9900 } }],
      packages: [{ id: '250', conversations: 250, price: 2500 }],
    };
    const config = parseConfig({ ...base, CATALOG_JSON: JSON.stringify(custom) });
    expect(config.CATALOG_JSON.currency).toBe('EUR');
    expect(config.CATALOG_JSON.plans[0]).toMatchObject({ id: 'solo', description: '' });
    expect(config.CATALOG_JSON.packages).toEqual(custom.packages);
  });

  it('refuses a bad catalog at boot, naming the variable and the field', () => {
    const bad = (json: string) => {
      try {
        parseConfig({ ...base, CATALOG_JSON: json });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).issues.join('\n');
      }
      throw new Error('accepted a bad catalog');
    };
    expect(bad('{not json')).toMatch(/CATALOG_JSON.*not valid JSON/);
    const priceless = { plans: DEFAULT_CATALOG.plans, packages: [{ id: '100', conversations: 100, price: 12.5 }] };
    expect(bad(JSON.stringify(priceless))).toMatch(/CATALOG_JSON.*packages\.0\.price/);
    const twice = { plans: DEFAULT_CATALOG.plans, packages: [DEFAULT_CATALOG.packages[0], DEFAULT_CATALOG.packages[0]] };
    expect(bad(JSON.stringify(twice))).toMatch(/packages\.1\.id: duplicate id "100"/);
    expect(bad(JSON.stringify({ plans: [], packages: DEFAULT_CATALOG.packages }))).toMatch(/plans/);
  });

  it('names charges so that a package charge we lost track of is recognised by exact name and price only', () => {
    const pkg = DEFAULT_CATALOG.packages[1]!;
    expect(packageForRemoteCharge(DEFAULT_CATALOG, { name: packageChargeName(pkg), price: pkg.price, quantity: 1 })).toEqual(pkg);
    expect(packageForRemoteCharge(DEFAULT_CATALOG, { name: packageChargeName(pkg), price: pkg.price - 1, quantity: 1 })).toBeUndefined();
    expect(packageForRemoteCharge(DEFAULT_CATALOG, { name: 'Something else', price: pkg.price, quantity: 1 })).toBeUndefined();
    expect(packageForRemoteCharge(DEFAULT_CATALOG, { name: packageChargeName(pkg), price: pkg.price, quantity: 2 })).toBeUndefined();
    expect(parsePlanItem(planItem(DEFAULT_CATALOG.plans[2]!, 'annual'))).toEqual({ planId: 'full', cycle: 'annual' });
    expect(parsePlanItem('package:500')).toBeNull();
  });
});
