import type { RouteSpec } from './route-spec.ts';
import * as identity from '../identity.ts';
import * as ledger from '../ledger.ts';
import * as messages from '../messages.ts';
import * as numbers from '../numbers.ts';
import * as platform from '../platform.ts';
import * as studio from '../templates-studio.ts';

// Health, identity, the ledger, number templates and the template studio.
export const coreRoutes: RouteSpec[] = [
  { method: 'get', path: '/api/health', summary: 'Liveness and database kind', auth: 'none', response: platform.HealthResponseSchema },
  {
    method: 'get',
    path: '/api/ready',
    summary: 'Readiness: database reachable, migrations applied, pg-boss started where workers run (503 with what is not ready otherwise)',
    auth: 'none',
    response: platform.ReadinessResponseSchema,
  },
  {
    method: 'get',
    path: '/api/public-config',
    summary: 'Accounts URL and client id for the sign-in popup',
    auth: 'none',
    response: platform.PublicConfigSchema,
  },
  {
    method: 'get',
    path: '/api/me',
    summary: 'The signed-in LiveChat account, its organization and role',
    auth: 'member',
    response: identity.MeResponseSchema,
  },
  {
    method: 'get',
    path: '/api/balance',
    summary: 'Remaining conversations (sum of the ledger)',
    auth: 'member',
    response: ledger.BalanceSchema,
  },
  {
    method: 'get',
    path: '/api/ledger',
    summary: 'Every ledger movement with its reason, a page at a time (follow nextCursor)',
    auth: 'member',
    query: ledger.LedgerQuerySchema,
    response: ledger.LedgerResponseSchema,
  },
  {
    method: 'get',
    path: '/api/ledger.csv',
    summary: 'Every ledger movement as CSV (streamed)',
    auth: 'member',
    responseContentType: 'text/csv',
  },
  {
    method: 'get',
    path: '/api/numbers',
    summary: "The organization's WhatsApp numbers",
    auth: 'member',
    response: numbers.NumbersResponseSchema,
  },
  {
    method: 'get',
    path: '/api/numbers/{numberId}/templates',
    summary: 'Templates of a number, synced from Kaleyra',
    auth: 'member',
    params: numbers.NumberParamsSchema,
    response: numbers.TemplatesResponseSchema,
  },
  {
    method: 'post',
    path: '/api/numbers/{numberId}/templates/sync',
    summary: 'Sync templates from Kaleyra now',
    auth: 'member',
    params: numbers.NumberParamsSchema,
    response: numbers.TemplatesResponseSchema,
  },
  // The template studio.
  {
    method: 'get',
    path: '/api/templates',
    summary: "Every template of the organization's WhatsApp Business Accounts",
    auth: 'member',
    response: studio.StudioTemplatesResponseSchema,
  },
  {
    method: 'post',
    path: '/api/templates/sync',
    summary: 'Sync every WhatsApp Business Account now',
    auth: 'member',
    response: studio.StudioTemplatesResponseSchema,
  },
  {
    method: 'post',
    path: '/api/templates',
    summary: "Submit a template for WhatsApp's review (Meta's rules checked first; idempotent by account, name and language)",
    auth: 'manager',
    body: studio.TemplateDraftSchema,
    response: studio.CreateTemplateResponseSchema,
    status: 201,
  },
  {
    method: 'post',
    path: '/api/templates/samples',
    summary: "A media header's sample file (the raw body) passed to Kaleyra for the review; returns its handle",
    auth: 'manager',
    query: studio.TemplateSampleQuerySchema,
    requestContentType: 'application/octet-stream',
    response: studio.TemplateSampleResponseSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/templates/{numberId}/{name}/usage',
    summary: 'What uses a template name (campaigns, opt-out copies) and whether it can be deleted',
    auth: 'member',
    params: studio.TemplateKeyParamsSchema,
    response: studio.TemplateUsageSchema,
  },
  {
    method: 'delete',
    path: '/api/templates/{numberId}/{name}',
    summary: 'Delete a template name in every language (refused while a scheduled, running or paused campaign uses it)',
    auth: 'manager',
    params: studio.TemplateKeyParamsSchema,
    response: studio.TemplateUsageSchema,
  },
  {
    method: 'get',
    path: '/api/conversations/quote',
    summary: 'What a send to this recipient costs right now',
    auth: 'member',
    query: messages.QuoteQuerySchema,
    response: messages.QuoteSchema,
  },
];
