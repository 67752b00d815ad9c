import { existsSync } from 'node:fs';
import express, { type Express } from 'express';
import { ErrorCode, PublicConfigSchema } from '@wa/contracts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { DomainError } from './lib/errors.ts';
import { problemHandler } from './lib/http.ts';
import type { Logger } from './lib/logger.ts';
import { requestLog, securityHeaders } from './lib/http-hardening.ts';
import { authenticate } from './modules/auth/auth.middleware.ts';
import { organizationRateLimit, sharedRateLimiter } from './modules/auth/rate-limit.ts';
import { OrganizationCache } from './modules/organizations/organization-cache.ts';
import { ledgerRoutes } from './modules/ledger/ledger.routes.ts';
import { LedgerService } from './modules/ledger/ledger.service.ts';
import { messagingRoutes } from './modules/messaging/messaging.routes.ts';
import { MessagingService } from './modules/messaging/messaging.service.ts';
import { numbersRoutes } from './modules/numbers/numbers.routes.ts';
import { templatesRoutes } from './modules/templates/templates.routes.ts';
import { TemplatesService } from './modules/templates/templates.service.ts';
import { BillingSyncService } from './modules/billing/billing-sync.service.ts';
import { billingRoutes, rememberManagersForSync } from './modules/billing/billing.routes.ts';
import { BillingService } from './modules/billing/billing.service.ts';
import { numberPlansRoutes } from './modules/numbers/number-plans.routes.ts';
import { livechatWebhookRoutes } from './modules/webhooks/livechat-webhook.routes.ts';
import type { BillingPort } from './providers/livechat-billing/billing.port.ts';
import { optOutsRoutes } from './modules/optouts/optouts.routes.ts';
import { OptOutsService } from './modules/optouts/optouts.service.ts';
import { NumbersService } from './modules/numbers/numbers.service.ts';
import type { CampaignDispatcher } from './modules/campaigns/campaign-dispatcher.ts';
import { campaignsRoutes } from './modules/campaigns/campaigns.routes.ts';
import { createCampaignsModule } from './modules/campaigns/campaigns.module.ts';
import type { CampaignsService } from './modules/campaigns/campaigns.service.ts';
import type { OrganizationRow } from './modules/organizations/organizations.repo.ts';
import { kaleyraWebhookRoutes } from './modules/webhooks/kaleyra-webhook.routes.ts';
import { createLifecycleModule, lifecycleApiRoutes, opsRouter, type LifecycleServices } from './modules/lifecycle/lifecycle.module.ts';
import { KaleyraWebhookService } from './modules/webhooks/kaleyra-webhook.service.ts';
import { buildOpenApi } from './openapi.ts';
import { keepRequestContext, requestIdMiddleware } from './lib/request-context.ts';
import { healthRoutes, httpMetrics } from './modules/health/health.routes.ts';
import { Readiness } from './modules/health/readiness.ts';
import { webhookMetrics } from './modules/health/webhook-metrics.ts';
import { createPrivacyModule, type PrivacyServices } from './modules/privacy/privacy.module.ts';
import { privacyOpsRoutes, privacyRoutes } from './modules/privacy/privacy.routes.ts';
import type { AccountsPort } from './providers/livechat-accounts/accounts.port.ts';
import type { KaleyraPort } from './providers/kaleyra/kaleyra.port.ts';
import type { LiveChatChatPort } from './providers/livechat-chat/livechat-chat.port.ts';
import type { RelayService } from './modules/relay/relay.service.ts';
import { createRelayModule } from './modules/relay/relay.module.ts';
import type { ModuleContext } from './lib/module-context.ts';
import { createAuthModule } from './modules/auth/auth.module.ts';
import type { AuthService } from './modules/auth/auth.service.ts';
import { createLedgerModule } from './modules/ledger/ledger.module.ts';
import { createBillingModule } from './modules/billing/billing.module.ts';
import { createNumbersModule } from './modules/numbers/numbers.module.ts';
import type { NumberPlansService } from './modules/numbers/number-plans.service.ts';
import { createTemplatesModule } from './modules/templates/templates.module.ts';
import { createSendingModule } from './modules/sending/sending.module.ts';
import { createMessagingModule } from './modules/messaging/messaging.module.ts';
import { createWebhooksModule } from './modules/webhooks/webhooks.module.ts';
import { createOptOutsModule } from './modules/optouts/optouts.module.ts';
import { relayOpsRoutes, relayRoutes, relayWebhookRoutes } from './modules/relay/relay.routes.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  log: Logger;
  accounts: AccountsPort;
  kaleyra: KaleyraPort;
  /** LiveChat Billing API; defaults to the real client at LIVECHAT_BILLING_URL. */
  billing?: BillingPort;
  /** LiveChat's chat platform (WhatsApp chats in LiveChat); defaults to the real client at LIVECHAT_API_URL. */
  livechatChat?: LiveChatChatPort;
  now?: () => Date;
  /** What /api/ready reports on (pg-boss state, shutdown); main.ts moves it. Default: from config.WORKERS. */
  readiness?: Readiness;
}

/** The account lifecycle's services (lifecycle, planCancellations, refunds, ops, audit) are in LifecycleServices. */
export interface Services extends LifecycleServices {
  auth: AuthService;
  ledger: LedgerService;
  numbers: NumbersService;
  /** The template studio: create, list, delete templates. */
  templates: TemplatesService;
  messaging: MessagingService;
  kaleyraWebhooks: KaleyraWebhookService;
  billing: BillingService;
  billingSync: BillingSyncService;
  numberPlans: NumberPlansService;
  optOuts: OptOutsService;
  campaigns: CampaignsService;
  campaignDispatcher: CampaignDispatcher;
  /** Privacy: the data export, a recipient's rights, retention. */
  privacy: PrivacyServices;
  /** WhatsApp chats in LiveChat. */
  relay: RelayService;
}

/** Where Kaleyra reaches us for an organization; v1 callback URLs carry the Basic credentials as userinfo. */
export function webhookUrls(config: Config, org: Pick<OrganizationRow, 'id' | 'webhookSecret'>) {
  const base = new URL(config.PUBLIC_BASE_URL);
  const path = `/webhooks/kaleyra/${encodeURIComponent(org.id)}`;
  const withAuth = new URL(`${path}/status`, base);
  withAuth.username = encodeURIComponent(org.id);
  withAuth.password = encodeURIComponent(org.webhookSecret);
  return {
    statusUrl: new URL(`${path}/status`, base).toString(),
    incomingUrl: new URL(`${path}/incoming`, base).toString(),
    statusUrlWithCredentials: withAuth.toString(),
    username: org.id,
    password: org.webhookSecret,
  };
}

/**
 * The composition root: every module is built by its `create<Module>Module(ctx, deps)` from the shared context
 * (database, configuration, its own child logger, clock) and the services of the modules it uses; the hooks
 * between modules are wired here.
 */
export function createServices(deps: AppDeps): Services {
  const { config, database, log } = deps;
  const now = deps.now ?? (() => new Date());
  const ctx = (module: string): ModuleContext => ({ database, db: database.db, config, log: log.child({ module }), now });
  const statusCallbackUrl = (org: Pick<OrganizationRow, 'id' | 'webhookSecret'>) => webhookUrls(config, org).statusUrlWithCredentials;

  const { auth } = createAuthModule(ctx('auth'), { accounts: deps.accounts });
  const { ledger } = createLedgerModule(ctx('ledger'));
  const { billing, billingSync, billingPort, vault, billingOptions } = createBillingModule(ctx('billing'), {
    ledger,
    billingPort: deps.billing,
  });
  const { numbers, numberPlans } = createNumbersModule(ctx('numbers'), { kaleyra: deps.kaleyra, billing, billingPort, billingOptions });
  const { templates } = createTemplatesModule(ctx('templates'), { kaleyra: deps.kaleyra, numbers });
  // The one send policy: built first, it reads lifecycle, privacy and messaging (created below) when a send asks.
  const { sendPolicy } = createSendingModule(ctx('sending'), {
    lifecycle: () => lifecycleServices.lifecycle,
    rights: () => privacy.recipients,
    customerWindowUntil: (conn, numberId, recipient, at) => messaging.customerWindowUntil(conn, numberId, recipient, at),
  });
  const { messaging } = createMessagingModule(ctx('messaging'), { ledger, kaleyra: deps.kaleyra, numbers, sendPolicy, statusCallbackUrl });
  const { kaleyraWebhooks } = createWebhooksModule(ctx('webhooks'), { messaging });
  // F.4: opt-out keywords on incoming messages, the opt-out instruction of marketing templates.
  const { optOuts, keywords } = createOptOutsModule(ctx('optouts'), { kaleyra: deps.kaleyra, numbers });
  kaleyraWebhooks.onIncoming(optOuts.onIncoming);
  numbers.onSynced(optOuts.afterSync);
  messaging.useTemplateResolver((n, t) => optOuts.templateToSend(n, t));
  // Campaigns (bulk sends) and their background dispatcher.
  const { campaigns, campaignDispatcher } = createCampaignsModule(ctx('campaigns'), {
    ledger,
    messaging,
    numbers,
    sendPolicy,
    kaleyra: deps.kaleyra,
    statusCallbackUrl,
  });
  // The account lifecycle, terms, refunds, operators and the audit log.
  const lifecycleServices = createLifecycleModule(ctx('lifecycle'), { ledger, billing, vault, campaignDispatcher });
  const { privacy } = createPrivacyModule(ctx('privacy'));
  // L.11b: a deleted business's billing credential goes once no plan cancellation is owed any more.
  lifecycleServices.planCancellations.onAllSettled((id) => privacy.business.afterPlanCancellations(id));
  // WhatsApp chats in LiveChat: after the opt-out check, so a STOP is recorded before it is relayed.
  const { relay } = createRelayModule(ctx('relay'), {
    vault,
    messaging,
    optsOut: (text) => keywords.match(text) === 'opt_out',
    livechatChat: deps.livechatChat,
  });
  kaleyraWebhooks.onIncoming(relay.onIncoming);
  kaleyraWebhooks.onStatus(relay.onStatus);
  messaging.onTemplateSent(relay.onTemplateSent);
  return {
    auth,
    ledger,
    numbers,
    templates,
    messaging,
    kaleyraWebhooks,
    optOuts,
    billing,
    billingSync,
    numberPlans,
    campaigns,
    campaignDispatcher,
    ...lifecycleServices,
    privacy,
    relay,
  };
}

export function createApp(deps: AppDeps): { app: Express; services: Services } {
  const { config, database, log } = deps;
  const now = deps.now ?? (() => new Date());
  const services = createServices(deps);
  const app = express();
  app.disable('x-powered-by');
  app.use(httpMetrics());
  app.use(requestIdMiddleware());
  app.set('trust proxy', 1);
  app.set('query parser', 'simple');

  app.use(securityHeaders(config.FRAME_ANCESTORS));
  app.use(requestLog(log));

  app.use(healthRoutes({ database, readiness: deps.readiness ?? new Readiness(config.WORKERS), metricsToken: config.METRICS_TOKEN }));
  app.get('/api/openapi.json', (_req, res) => {
    res.json(buildOpenApi('1.0.0'));
  });
  app.get('/api/public-config', (_req, res) => {
    res.json(
      PublicConfigSchema.parse({
        accountsUrl: config.LIVECHAT_ACCOUNTS_URL,
        clientId: config.LIVECHAT_CLIENT_ID,
        termsUrl: config.TERMS_URL,
        termsVersion: config.TERMS_VERSION,
      }),
    );
  });

  app.use(
    '/webhooks/kaleyra',
    webhookMetrics('kaleyra'),
    express.json({ limit: '256kb' }),
    express.urlencoded({ extended: false, limit: '256kb' }),
    keepRequestContext(),
    kaleyraWebhookRoutes(services.kaleyraWebhooks, now),
  );

  app.use(
    '/webhooks/livechat-chat',
    webhookMetrics('livechat'),
    express.json({ limit: '64kb' }),
    keepRequestContext(),
    relayWebhookRoutes(services.relay, log.child({ module: 'relay' })),
  );

  app.use(
    '/webhooks/livechat',
    webhookMetrics('livechat'),
    express.json({ limit: '64kb' }),
    keepRequestContext(),
    livechatWebhookRoutes(config.APP_WEBHOOK_SECRET, services.billingSync, log, [
      (body) =>
        services.lifecycle
          .onAppWebhook(body)
          .then((r) => (r === 'uninstalled' || r === 'replayed' ? runBusinessDeletions(services, log).then(() => r) : r)),
    ]),
  );

  const api = express.Router();
  api.use(keepRequestContext());
  // Cheapest first: the caller and their organization from memory, the shared budget (one upsert), then the body.
  api.use(authenticate(services.auth, new OrganizationCache(database.db, config.ORG_CACHE_TTL_MS)));
  api.use(organizationRateLimit(sharedRateLimiter(database, config.RATE_LIMIT_PER_MINUTE)));
  api.use(express.json({ limit: '1mb' }));
  api.use(rememberManagersForSync(services.billingSync, services.auth, log));
  api.use(lifecycleApiRoutes(services, { billingSync: services.billingSync, auth: services.auth, log }));
  api.get('/me', (_req, res) => {
    const { identity } = res.locals.ctx;
    res.json({ ...identity, canManage: identity.role !== 'agent' });
  });
  api.use(ledgerRoutes(services.ledger));
  api.use(numbersRoutes(services.numbers));
  api.use(templatesRoutes(services.templates));
  api.use(
    numberPlansRoutes(services.numberPlans, services.billingSync, services.auth, (org) => {
      const { statusUrl, incomingUrl, username, password } = webhookUrls(config, org);
      return { statusUrl, incomingUrl, username, password };
    }),
  );
  api.use(billingRoutes(services.billing, services.billingSync, services.auth));
  api.use(messagingRoutes(services.messaging));
  api.use(optOutsRoutes(services.optOuts));
  api.use(campaignsRoutes(services.campaigns));
  api.use(privacyRoutes(services.privacy));
  api.use(relayRoutes(services.relay));
  app.use('/api', api);
  app.use('/ops', opsRouter(services, config, log));
  app.use(
    '/ops',
    relayOpsRoutes(services.relay, { credentials: config.OPS_CREDENTIALS, failuresPer15Min: config.OPS_AUTH_FAILURES_PER_15_MIN, log }),
  );
  app.use(
    '/ops',
    privacyOpsRoutes(services.privacy, { credentials: config.OPS_CREDENTIALS, failuresPer15Min: config.OPS_AUTH_FAILURES_PER_15_MIN, log }),
  );

  if (existsSync(config.WIDGET_DIST)) {
    app.use('/widget', express.static(config.WIDGET_DIST, { index: false, maxAge: '1h' }));
  }

  app.use((req, _res, next) => {
    next(new DomainError(ErrorCode.notFound, 'Not found', `No route for ${req.method} ${req.path}.`));
  });
  app.use(problemHandler(log.child({ module: 'http' })));
  return { app, services };
}

/**
 * L.11b: after an uninstall, the deletion the business asked for runs at once (the periodic job is the fallback).
 * Also on a replayed uninstall: LiveChat retries a delivery whose first handling failed half-way.
 */
async function runBusinessDeletions(services: Services, log: Logger) {
  await services.privacy.business
    .runDue()
    .catch((err: Error) => log.warn({ err: err.message }, 'business data deletion failed; the periodic job retries'));
}
