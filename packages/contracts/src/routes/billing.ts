import type { RouteSpec } from './route-spec.ts';
import * as ledger from '../ledger.ts';
import * as numbers from '../numbers.ts';
import * as billing from '../billing.ts';

export const billingRoutes: RouteSpec[] = [
  // ---- numbers, plans, packages, balance and bills (Part C, F.1) ----
  {
    method: 'get',
    path: '/api/catalog',
    summary: 'Plans and conversation packages with their prices (F.1)',
    auth: 'member',
    response: billing.CatalogSchema,
  },
  {
    method: 'post',
    path: '/api/numbers',
    summary: 'Connect a WhatsApp number and create its plan charge for the payment modal (C.1)',
    auth: 'manager',
    body: billing.ConnectNumberRequestSchema,
    response: billing.NumberPurchaseResponseSchema,
    status: 201,
  },
  {
    method: 'post',
    path: '/api/numbers/{numberId}/plan',
    summary: 'Choose a plan for a number whose plan is not running, and create its charge',
    auth: 'manager',
    params: numbers.NumberParamsSchema,
    body: billing.ChoosePlanRequestSchema,
    response: billing.NumberPurchaseResponseSchema,
    status: 201,
  },
  {
    method: 'delete',
    path: '/api/numbers/{numberId}',
    summary: "Disconnect a number and cancel its plan's recurrent charge",
    auth: 'manager',
    params: numbers.NumberParamsSchema,
    response: billing.DisconnectNumberResponseSchema,
  },
  {
    method: 'get',
    path: '/api/numbers/callback-settings',
    summary: "What to enter in Kaleyra's console: status and incoming URLs with their Basic credentials",
    auth: 'manager',
    response: billing.CallbackSettingsSchema,
  },
  {
    method: 'post',
    path: '/api/billing/packages',
    summary: 'Buy a conversation package: creates the direct charge for the payment modal (C.2)',
    auth: 'manager',
    body: billing.BuyPackageRequestSchema,
    response: billing.PurchaseResponseSchema,
    status: 201,
  },
  {
    method: 'post',
    path: '/api/billing/charges/{chargeId}/confirm',
    summary: 'Verify a charge with the Billing API: activate when accepted, credit once when paid',
    auth: 'manager',
    params: billing.ChargeParamsSchema,
    response: billing.ConfirmChargeResponseSchema,
  },
  {
    method: 'get',
    path: '/api/billing/charges',
    summary: 'Bills: every charge with date, item, price and status (C.3), a page at a time (follow nextCursor)',
    auth: 'member',
    query: billing.BillsQuerySchema,
    response: billing.BillsResponseSchema,
  },
  {
    method: 'get',
    path: '/api/billing/charges.csv',
    summary: 'Bills as CSV, with the conversations the ledger credited for each',
    auth: 'member',
  },
  {
    method: 'get',
    path: '/api/billing/usage',
    summary: 'Conversations opened per day and per number',
    auth: 'member',
    query: billing.UsageQuerySchema,
    response: billing.UsageSchema,
  },
  {
    method: 'put',
    path: '/api/balance/low-balance-threshold',
    summary: 'Set or clear the low-balance warning threshold',
    auth: 'manager',
    body: billing.LowBalanceThresholdRequestSchema,
    response: ledger.BalanceSchema,
  },
  {
    method: 'post',
    path: '/webhooks/livechat/{secret}',
    summary: 'LiveChat app webhooks (payment_collected, …): hints, re-verified',
    auth: 'webhook',
  },
];
