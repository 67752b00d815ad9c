import { Router, type Response } from 'express';
import {
  AuditResponseSchema,
  OpsActionResponseSchema,
  OpsAuditQuerySchema,
  OpsBusinessesQuerySchema,
  OpsBusinessesResponseSchema,
  OpsBusinessParamsSchema,
  OpsBusinessSchema,
  OpsCloseRequestSchema,
  OpsCreditRequestSchema,
  OpsCreditResponseSchema,
  OpsLedgerVerifyQuerySchema,
  OpsLedgerVerifyResponseSchema,
  OpsNumberParamsSchema,
  OpsReasonRequestSchema,
  OpsRefundParamsSchema,
  OpsRefundResponseSchema,
  OpsRefundsQuerySchema,
  OpsRefundsResponseSchema,
  OpsStartDateRequestSchema,
} from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
import { streamCsv } from '../../lib/keyset.ts';
import type { Logger } from '../../lib/logger.ts';
import { actors } from '../audit/audit.ts';
import { AuditService } from '../audit/audit.service.ts';
import type { LifecycleService, LossOfAccessResult } from '../lifecycle/lifecycle.service.ts';
import type { RefundsService } from '../refunds/refunds.service.ts';
import { operatorAuth, operatorOf, type OperatorCredential } from './operator-auth.ts';
import type { OpsService } from './ops.service.ts';

export interface OpsDeps {
  ops: OpsService;
  lifecycle: LifecycleService;
  refunds: RefundsService;
  audit: AuditService;
  credentials: readonly OperatorCredential[];
  failuresPer15Min: number;
  log: Logger;
}

/**
 * The operator surface at /ops (F.2, H, I, J): read every business, suspend, restore, terminate, record a closed
 * LiveChat account, revoke or restore sending per number, review refunds, grant credits. Every action is
 * audited with the operator's name. `pnpm ops` (src/ops-cli.ts) is a client of exactly this API.
 */
export function opsRoutes(d: OpsDeps) {
  const r = Router();
  r.use(...operatorAuth(d.credentials, d.failuresPer15Min, d.log));

  const reasonOf = (body: unknown) => parse(OpsReasonRequestSchema, body ?? {}).reason ?? null;
  const respond = async (res: Response, organizationId: string, changed: boolean, loss?: LossOfAccessResult) => {
    res.json(
      OpsActionResponseSchema.parse({
        business: await d.ops.business(organizationId),
        changed,
        ...(loss
          ? {
              lossOfAccess: {
                forfeited: loss.forfeited,
                numbersDisconnected: loss.numbersDisconnected,
                plansCancelled: loss.plansCancelled,
                plansPending: loss.plansPending,
              },
            }
          : {}),
      }),
    );
  };

  r.get(
    '/businesses',
    handle(async (req, res) => {
      const q = parse(OpsBusinessesQuerySchema, req.query, 'query');
      res.json(OpsBusinessesResponseSchema.parse({ businesses: await d.ops.list(q.status) }));
    }),
  );
  r.get(
    '/businesses/:organizationId',
    handle(async (req, res) => {
      const { organizationId } = parse(OpsBusinessParamsSchema, req.params, 'params');
      res.json(OpsBusinessSchema.parse(await d.ops.show(organizationId)));
    }),
  );
  for (const action of ['suspend', 'restore', 'terminate'] as const) {
    r.post(
      `/businesses/:organizationId/${action}`,
      handle(async (req, res) => {
        const { organizationId } = parse(OpsBusinessParamsSchema, req.params, 'params');
        const reason = reasonOf(req.body);
        const actor = actors.operator(operatorOf(res));
        await d.ops.business(organizationId);
        if (action === 'terminate') {
          const loss = await d.lifecycle.loseAccess(organizationId, 'terminated', actor, { reason });
          return respond(res, organizationId, loss.changed, loss);
        }
        const { changed } =
          action === 'suspend'
            ? await d.lifecycle.suspend(organizationId, actor, reason)
            : await d.lifecycle.restore(organizationId, actor, reason);
        return respond(res, organizationId, changed);
      }),
    );
  }
  r.post(
    '/businesses/:organizationId/close',
    handle(async (req, res) => {
      const { organizationId } = parse(OpsBusinessParamsSchema, req.params, 'params');
      const body = parse(OpsCloseRequestSchema, req.body ?? {});
      await d.ops.business(organizationId);
      const loss = await d.lifecycle.loseAccess(organizationId, body.cause, actors.operator(operatorOf(res)), {
        reason: body.reason ?? null,
      });
      return respond(res, organizationId, loss.changed, loss);
    }),
  );
  r.put(
    '/businesses/:organizationId/started-at',
    handle(async (req, res) => {
      const { organizationId } = parse(OpsBusinessParamsSchema, req.params, 'params');
      const body = parse(OpsStartDateRequestSchema, req.body ?? {});
      await d.ops.business(organizationId);
      const { changed } = await d.lifecycle.setStartedAt(
        organizationId,
        new Date(body.startedAt),
        actors.operator(operatorOf(res)),
        body.reason ?? null,
      );
      return respond(res, organizationId, changed);
    }),
  );
  for (const action of ['revoke-sending', 'restore-sending'] as const) {
    r.post(
      `/businesses/:organizationId/numbers/:numberId/${action}`,
      handle(async (req, res) => {
        const { organizationId, numberId } = parse(OpsNumberParamsSchema, req.params, 'params');
        const reason = reasonOf(req.body);
        await d.ops.business(organizationId);
        const { changed } = await d.lifecycle.setSendingRevoked(
          organizationId,
          numberId,
          action === 'revoke-sending',
          actors.operator(operatorOf(res)),
          reason,
        );
        return respond(res, organizationId, changed);
      }),
    );
  }
  r.post(
    '/businesses/:organizationId/credits',
    handle(async (req, res) => {
      const { organizationId } = parse(OpsBusinessParamsSchema, req.params, 'params');
      const body = parse(OpsCreditRequestSchema, req.body ?? {});
      res.status(201).json(OpsCreditResponseSchema.parse(await d.ops.credit(organizationId, operatorOf(res), body)));
    }),
  );

  r.get(
    '/refunds',
    handle(async (req, res) => {
      const q = parse(OpsRefundsQuerySchema, req.query, 'query');
      res.json(OpsRefundsResponseSchema.parse({ refunds: await d.refunds.list(q.status) }));
    }),
  );
  for (const action of ['approve', 'refuse', 'paid'] as const) {
    r.post(
      `/refunds/:refundId/${action}`,
      handle(async (req, res) => {
        const { refundId } = parse(OpsRefundParamsSchema, req.params, 'params');
        const reason = reasonOf(req.body);
        const actor = actors.operator(operatorOf(res));
        const out =
          action === 'approve'
            ? await d.refunds.approve(refundId, actor, reason)
            : action === 'refuse'
              ? await d.refunds.refuse(refundId, actor, reason)
              : await d.refunds.markPaid(refundId, actor, reason);
        res.json(OpsRefundResponseSchema.parse({ refund: out.refund }));
      }),
    );
  }

  r.get(
    '/ledger/verify',
    handle(async (req, res) => {
      const q = parse(OpsLedgerVerifyQuerySchema, req.query, 'query');
      res.json(OpsLedgerVerifyResponseSchema.parse(await d.ops.verifyLedger(q.organizationId)));
    }),
  );
  r.get(
    '/audit',
    handle(async (req, res) => {
      const q = parse(OpsAuditQuerySchema, req.query, 'query');
      res.json(AuditResponseSchema.parse(await d.audit.page(q.organizationId, q)));
    }),
  );
  r.get(
    '/audit.csv',
    handle(async (req, res) => {
      const q = parse(OpsAuditQuerySchema, req.query, 'query');
      await streamCsv(res, 'whatsapp-audit.csv', AuditService.CSV_HEADER, d.audit.csvRows(q.organizationId));
    }),
  );
  return r;
}
