import type { RouteSpec } from './route-spec.ts';
import * as lifecycle from '../lifecycle.ts';
import * as refunds from '../refunds.ts';
import * as audit from '../audit.ts';

export const lifecycleRoutes: RouteSpec[] = [
  // ---- account lifecycle, terms, refunds, audit (Parts C.5, E, F, H, I, J) ----
  {
    method: 'get',
    path: '/api/account',
    summary: 'Account status, terms version and acceptance, and whether sending and buying are allowed',
    auth: 'member',
    response: lifecycle.AccountSchema,
  },
  {
    method: 'post',
    path: '/api/terms/acceptance',
    summary: 'The owner accepts the terms in force (recorded with account, organization, version and time)',
    auth: 'manager',
    body: lifecycle.AcceptTermsRequestSchema,
    response: lifecycle.AccountSchema,
    status: 201,
  },
  {
    method: 'post',
    path: '/api/account/reactivate',
    summary: 'After an uninstall, the owner starts a new installation from zero (when the install webhook never came)',
    auth: 'manager',
    response: lifecycle.AccountSchema,
  },
  {
    method: 'get',
    path: '/api/account/loss-preview',
    summary: 'What uninstalling would take away now: conversations, reservations, numbers and plans (C.5, E)',
    auth: 'manager',
    response: lifecycle.LossPreviewSchema,
  },
  {
    method: 'get',
    path: '/api/refunds',
    summary: 'Refund requests with their status, and each charge with its 14-day guarantee eligibility (H)',
    auth: 'manager',
    response: refunds.RefundsResponseSchema,
  },
  {
    method: 'post',
    path: '/api/refunds',
    summary: 'Request the 14-day money-back refund of a plan (H); refused with the failed condition otherwise (I)',
    auth: 'manager',
    body: refunds.RequestRefundSchema,
    response: refunds.RefundResponseSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/audit',
    summary: "The organization's audit log: money, number, permission and lifecycle events",
    auth: 'manager',
    query: audit.AuditQuerySchema,
    response: audit.AuditResponseSchema,
  },
  {
    method: 'get',
    path: '/api/audit.csv',
    summary: "The organization's audit log as CSV",
    auth: 'manager',
    responseContentType: 'text/csv',
  },
];
