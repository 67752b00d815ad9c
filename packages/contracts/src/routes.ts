import type { z } from 'zod';
import * as api from './api.ts';
import * as billing from './billing.ts';
import * as conversationStatus from './conversation-status.ts';
import * as optouts from './optouts.ts';
import * as campaigns from './campaigns.ts';
import * as lifecycle from './lifecycle.ts';
import * as refunds from './refunds.ts';
import * as audit from './audit.ts';
import * as ops from './ops.ts';
import * as privacy from './privacy.ts';

/**
 * Every HTTP route of the BFF's public API, with its schemas. The BFF generates /api/openapi.json
 * from this list, so a route missing here is a route missing from the documentation.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: string;
  summary: string;
  /** Who may call it: any signed-in member, owners and admins only, operators, or a webhook secret. */
  auth: 'member' | 'manager' | 'operator' | 'webhook' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  /** Media type of the request body when it is not JSON (e.g. a CSV upload). */
  requestContentType?: string;
  /** Media type of the response when it is not JSON (e.g. a CSV download). */
  responseContentType?: string;
}

export const routes: RouteSpec[] = [
  { method: 'get', path: '/api/health', summary: 'Liveness and database kind', auth: 'none', response: api.HealthResponseSchema },
  { method: 'get', path: '/api/public-config', summary: 'Accounts URL and client id for the sign-in popup', auth: 'none', response: api.PublicConfigSchema },
  { method: 'get', path: '/api/me', summary: 'The signed-in LiveChat account, its organization and role', auth: 'member', response: api.MeResponseSchema },
  { method: 'get', path: '/api/balance', summary: 'Remaining conversations (sum of the ledger)', auth: 'member', response: api.BalanceSchema },
  { method: 'get', path: '/api/ledger', summary: 'Every ledger movement with its reason', auth: 'member', response: api.LedgerResponseSchema },
  { method: 'get', path: '/api/numbers', summary: "The organization's WhatsApp numbers", auth: 'member', response: api.NumbersResponseSchema },
  {
    method: 'get',
    path: '/api/numbers/{numberId}/templates',
    summary: 'Templates of a number, synced from Kaleyra',
    auth: 'member',
    params: api.NumberParamsSchema,
    response: api.TemplatesResponseSchema,
  },
  {
    method: 'post',
    path: '/api/numbers/{numberId}/templates/sync',
    summary: 'Sync templates from Kaleyra now',
    auth: 'member',
    params: api.NumberParamsSchema,
    response: api.TemplatesResponseSchema,
  },
  {
    method: 'get',
    path: '/api/conversations/quote',
    summary: 'What a send to this recipient costs right now',
    auth: 'member',
    query: api.QuoteQuerySchema,
    response: api.QuoteSchema,
  },
  // ---- issue 4: messaging rules (window, opt-outs) ----
  {
    method: 'get',
    path: '/api/conversations/status',
    summary: "Customer-service window, open conversations and opt-out of one customer on one number",
    auth: 'member',
    query: conversationStatus.ConversationStatusQuerySchema,
    response: conversationStatus.ConversationStatusSchema,
  },
  {
    method: 'get',
    path: '/api/opt-outs',
    summary: 'The suppression list (F.4): search and page through opted-out customers',
    auth: 'manager',
    query: optouts.OptOutsQuerySchema,
    response: optouts.OptOutsResponseSchema,
  },
  {
    method: 'post',
    path: '/api/opt-outs',
    summary: 'Add a customer to the suppression list, with a reason',
    auth: 'manager',
    body: optouts.AddOptOutRequestSchema,
    response: optouts.AddOptOutResponseSchema,
    status: 201,
  },
  {
    method: 'delete',
    path: '/api/opt-outs/{recipient}',
    summary: 'Remove a customer from the suppression list',
    auth: 'manager',
    params: optouts.OptOutParamsSchema,
    response: optouts.RemoveOptOutResponseSchema,
  },
  {
    method: 'post',
    path: '/api/opt-outs/import',
    summary: 'Import a CSV of phone numbers (and reasons); invalid rows are reported by line',
    auth: 'manager',
    body: optouts.ImportOptOutsRequestSchema,
    response: optouts.ImportOptOutsResponseSchema,
  },
  {
    method: 'get',
    path: '/api/opt-outs/export',
    summary: 'The whole suppression list as CSV',
    auth: 'manager',
    response: optouts.ExportOptOutsResponseSchema,
  },
  {
    method: 'get',
    path: '/api/numbers/{numberId}/opt-out-instruction',
    summary: "A number's opt-out instruction for marketing templates and how each marketing template carries it",
    auth: 'member',
    params: optouts.OptOutInstructionParamsSchema,
    response: optouts.OptOutInstructionSchema,
  },
  {
    method: 'put',
    path: '/api/numbers/{numberId}/opt-out-instruction',
    summary: 'Turn the opt-out instruction of marketing templates on or off for a number',
    auth: 'manager',
    params: optouts.OptOutInstructionParamsSchema,
    body: optouts.UpdateOptOutInstructionRequestSchema,
    response: optouts.OptOutInstructionSchema,
  },
  {
    method: 'post',
    path: '/api/messages',
    summary: 'Send a template (or free text inside the customer window) to one recipient',
    auth: 'member',
    body: api.SendMessageRequestSchema,
    response: api.SendMessageResponseSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/messages',
    summary: 'Recent message metadata for one recipient (no bodies are stored)',
    auth: 'member',
    query: api.MessagesQuerySchema,
    response: api.MessagesResponseSchema,
  },
  // ---- issue 3: numbers, plans, packages, balance and bills (Part C, F.1) ----
  { method: 'get', path: '/api/catalog', summary: 'Plans and conversation packages with their prices (F.1)', auth: 'member', response: billing.CatalogSchema },
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
    params: api.NumberParamsSchema,
    body: billing.ChoosePlanRequestSchema,
    response: billing.NumberPurchaseResponseSchema,
    status: 201,
  },
  {
    method: 'delete',
    path: '/api/numbers/{numberId}',
    summary: "Disconnect a number and cancel its plan's recurrent charge",
    auth: 'manager',
    params: api.NumberParamsSchema,
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
  { method: 'get', path: '/api/billing/charges', summary: 'Bills: every charge with date, item, price and status (C.3)', auth: 'member', response: billing.BillsResponseSchema },
  { method: 'get', path: '/api/billing/charges.csv', summary: 'Bills as CSV, with the conversations the ledger credited for each', auth: 'member' },
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
    response: api.BalanceSchema,
  },
  { method: 'post', path: '/webhooks/livechat/{secret}', summary: 'LiveChat app webhooks (payment_collected, …): hints, re-verified', auth: 'webhook' },
  // ---- issue 5: account lifecycle, terms, refunds, audit (Parts C.5, E, F, H, I, J) ----
  { method: 'get', path: '/api/account', summary: 'Account status, terms version and acceptance, and whether sending and buying are allowed', auth: 'member', response: lifecycle.AccountSchema },
  {
    method: 'post',
    path: '/api/terms/acceptance',
    summary: 'The owner accepts the terms in force (recorded with account, organization, version and time)',
    auth: 'manager',
    body: lifecycle.AcceptTermsRequestSchema,
    response: lifecycle.AccountSchema,
    status: 201,
  },
  { method: 'post', path: '/api/account/reactivate', summary: 'After an uninstall, the owner starts a new installation from zero (when the install webhook never came)', auth: 'manager', response: lifecycle.AccountSchema },
  { method: 'get', path: '/api/account/loss-preview', summary: 'What uninstalling would take away now: conversations, reservations, numbers and plans (C.5, E)', auth: 'manager', response: lifecycle.LossPreviewSchema },
  { method: 'get', path: '/api/refunds', summary: 'Refund requests with their status, and each charge with its 14-day guarantee eligibility (H)', auth: 'manager', response: refunds.RefundsResponseSchema },
  {
    method: 'post',
    path: '/api/refunds',
    summary: 'Request the 14-day money-back refund of a plan (H); refused with the failed condition otherwise (I)',
    auth: 'manager',
    body: refunds.RequestRefundSchema,
    response: refunds.RefundResponseSchema,
    status: 201,
  },
  { method: 'get', path: '/api/audit', summary: "The organization's audit log: money, number, permission and lifecycle events", auth: 'manager', query: audit.AuditQuerySchema, response: audit.AuditResponseSchema },
  { method: 'get', path: '/api/audit.csv', summary: "The organization's audit log as CSV", auth: 'manager', responseContentType: 'text/csv' },
  // ---- issue 5: operator surface (/ops, operator credentials from configuration, never LiveChat tokens) ----
  { method: 'get', path: '/ops/businesses', summary: 'Every business with status, balance, numbers and pending refunds', auth: 'operator', query: ops.OpsBusinessesQuerySchema, response: ops.OpsBusinessesResponseSchema },
  { method: 'get', path: '/ops/businesses/{organizationId}', summary: 'One business: balance, numbers, charges, refunds, recent audit', auth: 'operator', params: ops.OpsBusinessParamsSchema, response: ops.OpsBusinessSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/suspend', summary: 'Suspend (F.2, J): no sending, no buying', auth: 'operator', params: ops.OpsBusinessParamsSchema, body: ops.OpsReasonRequestSchema, response: ops.OpsActionResponseSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/restore', summary: 'Lift a suspension', auth: 'operator', params: ops.OpsBusinessParamsSchema, body: ops.OpsReasonRequestSchema, response: ops.OpsActionResponseSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/terminate', summary: 'Terminate (F.2, E.3): loss of access to conversations, plans cancelled, numbers disconnected', auth: 'operator', params: ops.OpsBusinessParamsSchema, body: ops.OpsReasonRequestSchema, response: ops.OpsActionResponseSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/close', summary: 'Record that the LiveChat account was closed or cancelled (E.2): loss of access', auth: 'operator', params: ops.OpsBusinessParamsSchema, body: ops.OpsCloseRequestSchema, response: ops.OpsActionResponseSchema },
  { method: 'put', path: '/ops/businesses/{organizationId}/started-at', summary: "Set a migrated customer's start date (customers who started before the terms in force stay on the earlier version)", auth: 'operator', params: ops.OpsBusinessParamsSchema, body: ops.OpsStartDateRequestSchema, response: ops.OpsActionResponseSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/numbers/{numberId}/revoke-sending', summary: 'Revoke sending for one number (J)', auth: 'operator', params: ops.OpsNumberParamsSchema, body: ops.OpsReasonRequestSchema, response: ops.OpsActionResponseSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/numbers/{numberId}/restore-sending', summary: 'Restore sending for one number', auth: 'operator', params: ops.OpsNumberParamsSchema, body: ops.OpsReasonRequestSchema, response: ops.OpsActionResponseSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/credits', summary: 'Grant a discretionary credit of conversations with its reason (I)', auth: 'operator', params: ops.OpsBusinessParamsSchema, body: ops.OpsCreditRequestSchema, response: ops.OpsCreditResponseSchema, status: 201 },
  { method: 'get', path: '/ops/refunds', summary: 'Refund requests, oldest first', auth: 'operator', query: ops.OpsRefundsQuerySchema, response: ops.OpsRefundsResponseSchema },
  { method: 'post', path: '/ops/refunds/{refundId}/approve', summary: "Approve: cancel the plan's recurrent charge, disconnect the number, record the refund", auth: 'operator', params: ops.OpsRefundParamsSchema, body: ops.OpsReasonRequestSchema, response: ops.OpsRefundResponseSchema },
  { method: 'post', path: '/ops/refunds/{refundId}/refuse', summary: 'Refuse a refund request', auth: 'operator', params: ops.OpsRefundParamsSchema, body: ops.OpsReasonRequestSchema, response: ops.OpsRefundResponseSchema },
  { method: 'post', path: '/ops/refunds/{refundId}/paid', summary: 'Record that an approved refund was paid out', auth: 'operator', params: ops.OpsRefundParamsSchema, body: ops.OpsReasonRequestSchema, response: ops.OpsRefundResponseSchema },
  { method: 'get', path: '/ops/audit', summary: 'The audit log of every business (or one)', auth: 'operator', query: ops.OpsAuditQuerySchema, response: audit.AuditResponseSchema },
  { method: 'get', path: '/ops/audit.csv', summary: 'The audit log as CSV', auth: 'operator', query: ops.OpsAuditQuerySchema, responseContentType: 'text/csv' },
  // ---- issue 7: campaigns (bulk sends) ----
  { method: 'get', path: '/api/campaigns', summary: "The organization's campaigns, newest first", auth: 'manager', response: campaigns.CampaignsResponseSchema },
  {
    method: 'post',
    path: '/api/campaigns',
    summary: 'Check a recipient CSV (the raw body, UTF-8) against a template and create a draft campaign with its report',
    auth: 'manager',
    query: campaigns.CreateCampaignQuerySchema,
    requestContentType: 'text/csv',
    response: campaigns.CampaignResponseSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/campaigns/quiet-hours',
    summary: 'The quiet-hours policy marketing campaigns follow (D.5), in words',
    auth: 'manager',
    response: campaigns.QuietHoursPolicyViewSchema,
  },
  {
    method: 'get',
    path: '/api/campaigns/{campaignId}',
    summary: 'One campaign: check report, counts per status, rate, ETA, reservation',
    auth: 'manager',
    params: campaigns.CampaignParamsSchema,
    response: campaigns.CampaignResponseSchema,
  },
  { method: 'delete', path: '/api/campaigns/{campaignId}', summary: 'Discard a draft (its rows and values are deleted)', auth: 'manager', params: campaigns.CampaignParamsSchema, status: 204 },
  {
    method: 'get',
    path: '/api/campaigns/{campaignId}/plan',
    summary: 'Conversations needed against the balance, and the estimated finish with quiet hours',
    auth: 'manager',
    params: campaigns.CampaignParamsSchema,
    query: campaigns.PlanQuerySchema,
    response: campaigns.CampaignPlanSchema,
  },
  {
    method: 'post',
    path: '/api/campaigns/{campaignId}/test-send',
    summary: "Send the template with the first recipient's values to the owner's own number",
    auth: 'manager',
    params: campaigns.CampaignParamsSchema,
    body: campaigns.TestSendRequestSchema,
    response: campaigns.TestSendResponseSchema,
  },
  {
    method: 'post',
    path: '/api/campaigns/{campaignId}/launch',
    summary: 'Reserve the needed conversations and start now or at a time; 402 with how many are missing',
    auth: 'manager',
    params: campaigns.CampaignParamsSchema,
    body: campaigns.LaunchCampaignRequestSchema,
    response: campaigns.CampaignResponseSchema,
  },
  { method: 'post', path: '/api/campaigns/{campaignId}/pause', summary: 'Pause dispatch (messages already handed over still arrive)', auth: 'manager', params: campaigns.CampaignParamsSchema, response: campaigns.CampaignResponseSchema },
  { method: 'post', path: '/api/campaigns/{campaignId}/resume', summary: 'Resume a paused campaign', auth: 'manager', params: campaigns.CampaignParamsSchema, response: campaigns.CampaignResponseSchema },
  { method: 'post', path: '/api/campaigns/{campaignId}/cancel', summary: 'Cancel: nobody else is messaged and the unused reservation is released', auth: 'manager', params: campaigns.CampaignParamsSchema, response: campaigns.CampaignResponseSchema },
  {
    method: 'post',
    path: '/api/campaigns/{campaignId}/retry',
    summary: 'Send retryable failures again with new message ids (optional CSV body re-supplies erased variable values)',
    auth: 'manager',
    params: campaigns.CampaignParamsSchema,
    query: campaigns.RetryFailedQuerySchema,
    requestContentType: 'text/csv',
    response: campaigns.RetryFailedResponseSchema,
  },
  {
    method: 'get',
    path: '/api/campaigns/{campaignId}/recipients',
    summary: 'Per-recipient status with plain-language failure reasons',
    auth: 'manager',
    params: campaigns.CampaignParamsSchema,
    query: campaigns.RecipientsQuerySchema,
    response: campaigns.RecipientsResponseSchema,
  },
  { method: 'get', path: '/api/campaigns/{campaignId}/report.csv', summary: 'Per-recipient report as CSV (metadata only)', auth: 'manager', params: campaigns.CampaignParamsSchema, responseContentType: 'text/csv' },
  { method: 'get', path: '/api/campaigns/{campaignId}/rejected.csv', summary: 'Rejected rows of the check (line, phone, reason) as CSV', auth: 'manager', params: campaigns.CampaignParamsSchema, responseContentType: 'text/csv' },
  // ---- issue 6: privacy (G, L.11) ----
  { method: 'get', path: '/api/privacy/export.zip', summary: 'L.11e: everything held about the organization, as a ZIP of JSON and CSV per table', auth: 'manager', responseContentType: 'application/zip' },
  { method: 'get', path: '/api/privacy/recipients', summary: 'L.11a: what is held about one phone number', auth: 'manager', query: privacy.RecipientQuerySchema, response: privacy.RecipientDataSchema },
  { method: 'post', path: '/api/privacy/recipients/erase', summary: 'L.11b: erase a phone number (anonymised under a keyed hash; opt-outs stay)', auth: 'manager', body: privacy.RecipientPhoneRequestSchema, response: privacy.RecipientEraseResponseSchema },
  { method: 'post', path: '/api/privacy/recipients/restrict', summary: 'L.11c: restrict processing: no further sends, reason kept', auth: 'manager', body: privacy.RecipientReasonRequestSchema, response: privacy.RecipientDataSchema },
  { method: 'post', path: '/api/privacy/recipients/unrestrict', summary: 'L.11c: lift a restriction', auth: 'manager', body: privacy.RecipientPhoneRequestSchema, response: privacy.RecipientDataSchema },
  { method: 'post', path: '/api/privacy/recipients/withdraw-consent', summary: 'L.11d: consent withdrawn, recorded as an opt-out', auth: 'manager', body: privacy.RecipientOptionalReasonRequestSchema, response: privacy.RecipientDataSchema },
  { method: 'get', path: '/ops/businesses/{organizationId}/recipients', summary: 'L.11a: what a business holds about one phone number', auth: 'operator', params: privacy.OpsRecipientParamsSchema, query: privacy.RecipientQuerySchema, response: privacy.RecipientDataSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/recipients/erase', summary: 'L.11b: erase a phone number in one business', auth: 'operator', params: privacy.OpsRecipientParamsSchema, body: privacy.RecipientPhoneRequestSchema, response: privacy.RecipientEraseResponseSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/recipients/restrict', summary: 'L.11c: restrict processing of a phone number in one business', auth: 'operator', params: privacy.OpsRecipientParamsSchema, body: privacy.RecipientReasonRequestSchema, response: privacy.RecipientDataSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/recipients/unrestrict', summary: 'L.11c: lift a restriction in one business', auth: 'operator', params: privacy.OpsRecipientParamsSchema, body: privacy.RecipientPhoneRequestSchema, response: privacy.RecipientDataSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/recipients/withdraw-consent', summary: 'L.11d: record a consent withdrawal (an opt-out) in one business', auth: 'operator', params: privacy.OpsRecipientParamsSchema, body: privacy.RecipientOptionalReasonRequestSchema, response: privacy.RecipientDataSchema },
  { method: 'get', path: '/api/account/contact', summary: "L.11a: the business's contact data (prefilled from the LiveChat account while unsaved)", auth: 'member', response: privacy.BusinessContactResponseSchema },
  { method: 'put', path: '/api/account/contact', summary: "L.11b: correct the business's contact data", auth: 'manager', body: privacy.BusinessContactSchema, response: privacy.BusinessContactResponseSchema },
  { method: 'get', path: '/api/account/data-deletion', summary: "L.11b: whether the business asked to delete its data after uninstalling, and what retention keeps", auth: 'manager', response: privacy.DataDeletionSchema },
  { method: 'post', path: '/api/account/data-deletion', summary: 'L.11b: delete the business data once the app is uninstalled (at once if it already is), except what retention keeps', auth: 'manager', response: privacy.DataDeletionSchema },
  { method: 'delete', path: '/api/account/data-deletion', summary: 'L.11b: withdraw the request while the app is still installed', auth: 'manager', response: privacy.DataDeletionSchema },
  { method: 'get', path: '/ops/businesses/{organizationId}/data-deletion', summary: "L.11b: a business's data-deletion request", auth: 'operator', params: privacy.OpsRecipientParamsSchema, response: privacy.DataDeletionSchema },
  { method: 'post', path: '/ops/businesses/{organizationId}/data-deletion', summary: 'L.11b: delete an uninstalled or terminated business\'s data on its request, except what retention keeps', auth: 'operator', params: privacy.OpsRecipientParamsSchema, response: privacy.DataDeletionSchema },
];
