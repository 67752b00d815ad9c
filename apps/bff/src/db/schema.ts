/**
 * Every table, grouped by domain in schema/*.ts. drizzle-kit reads this file (drizzle.config.ts), so a table file
 * not exported here is a table the migrations never see.
 */
export * from './schema/core.ts';
export * from './schema/ledger.ts';
export * from './schema/messaging.ts';
export * from './schema/billing.ts';
export * from './schema/opt-outs.ts';
export * from './schema/campaigns.ts';
export * from './schema/lifecycle.ts';
export * from './schema/privacy.ts';
export * from './schema/relay.ts';
