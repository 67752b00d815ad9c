import { billingRoutes } from './routes/billing.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { coreRoutes } from './routes/core.ts';
import { lifecycleRoutes } from './routes/lifecycle.ts';
import { messagingRoutes } from './routes/messaging.ts';
import { opsRoutes } from './routes/ops.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { relayRoutes } from './routes/relay.ts';
import type { RouteSpec } from './routes/route-spec.ts';

export type { RouteSpec } from './routes/route-spec.ts';

/**
 * Every HTTP route of the BFF's public API, with its schemas. The BFF generates /api/openapi.json
 * from this list, so a route missing here is a route missing from the documentation. Each domain's
 * routes live in routes/<domain>.ts; this order is the order of the document.
 */
export const routes: RouteSpec[] = [
  ...coreRoutes,
  ...messagingRoutes,
  ...billingRoutes,
  ...lifecycleRoutes,
  ...opsRoutes,
  ...campaignRoutes,
  ...privacyRoutes,
  ...relayRoutes,
];
