import { Router, type Request, type Response } from 'express';
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
import { created, handle, parse, respond } from '../../lib/http.ts';
import { streamCsv } from '../../lib/keyset.ts';
import type { Logger } from '../../lib/logger.ts';
import { actors, type Actor } from '../audit/audit.ts';
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
  const answerAction = async (res: Response, organizationId: string, changed: boolean, loss?: LossOfAccessResult) => {
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

  /**
   * An operator's action on one business: the request is read first (a bad one changes nothing), the business must
   * exist, and the answer is the business as it is after the action.
   */
  const businessAction = <I extends { organizationId: string }>(
    input: (req: Request) => I,
    act: (input: I, actor: Actor) => Promise<{ changed: boolean; loss?: LossOfAccessResult }>,
  ) =>
    handle(async (req, res) => {
      const i = input(req);
      const actor = actors.operator(operatorOf(res));
      await d.ops.business(i.organizationId);
      const { changed, loss } = await act(i, actor);
      await answerAction(res, i.organizationId, changed, loss);
    });

  r.get(
    '/businesses',
    respond(OpsBusinessesResponseSchema, async (req) => ({
      businesses: await d.ops.list(parse(OpsBusinessesQuerySchema, req.query, 'query').status),
    })),
  );
  r.get(
    '/businesses/:organizationId',
    respond(OpsBusinessSchema, (req) => d.ops.show(parse(OpsBusinessParamsSchema, req.params, 'params').organizationId)),
  );
  for (const action of ['suspend', 'restore', 'terminate'] as const) {
    r.post(
      `/businesses/:organizationId/${action}`,
      businessAction(
        (req) => ({ ...parse(OpsBusinessParamsSchema, req.params, 'params'), reason: reasonOf(req.body) }),
        async ({ organizationId, reason }, actor) => {
          if (action === 'terminate') {
            const loss = await d.lifecycle.loseAccess(organizationId, 'terminated', actor, { reason });
            return { changed: loss.changed, loss };
          }
          return action === 'suspend'
            ? d.lifecycle.suspend(organizationId, actor, reason)
            : d.lifecycle.restore(organizationId, actor, reason);
        },
      ),
    );
  }
  r.post(
    '/businesses/:organizationId/close',
    businessAction(
      (req) => ({ ...parse(OpsBusinessParamsSchema, req.params, 'params'), body: parse(OpsCloseRequestSchema, req.body ?? {}) }),
      async ({ organizationId, body }, actor) => {
        const loss = await d.lifecycle.loseAccess(organizationId, body.cause, actor, { reason: body.reason ?? null });
        return { changed: loss.changed, loss };
      },
    ),
  );
  r.put(
    '/businesses/:organizationId/started-at',
    businessAction(
      (req) => ({ ...parse(OpsBusinessParamsSchema, req.params, 'params'), body: parse(OpsStartDateRequestSchema, req.body ?? {}) }),
      ({ organizationId, body }, actor) => d.lifecycle.setStartedAt(organizationId, new Date(body.startedAt), actor, body.reason ?? null),
    ),
  );
  for (const action of ['revoke-sending', 'restore-sending'] as const) {
    r.post(
      `/businesses/:organizationId/numbers/:numberId/${action}`,
      businessAction(
        (req) => ({ ...parse(OpsNumberParamsSchema, req.params, 'params'), reason: reasonOf(req.body) }),
        ({ organizationId, numberId, reason }, actor) =>
          d.lifecycle.setSendingRevoked(organizationId, numberId, action === 'revoke-sending', actor, reason),
      ),
    );
  }
  r.post(
    '/businesses/:organizationId/credits',
    created(OpsCreditResponseSchema, (req, res) => {
      const { organizationId } = parse(OpsBusinessParamsSchema, req.params, 'params');
      return d.ops.credit(organizationId, operatorOf(res), parse(OpsCreditRequestSchema, req.body ?? {}));
    }),
  );

  r.get(
    '/refunds',
    respond(OpsRefundsResponseSchema, async (req) => ({
      refunds: await d.refunds.list(parse(OpsRefundsQuerySchema, req.query, 'query').status),
    })),
  );
  for (const action of ['approve', 'refuse', 'paid'] as const) {
    r.post(
      `/refunds/:refundId/${action}`,
      respond(OpsRefundResponseSchema, async (req, res) => {
        const { refundId } = parse(OpsRefundParamsSchema, req.params, 'params');
        const reason = reasonOf(req.body);
        const actor = actors.operator(operatorOf(res));
        const out =
          action === 'approve'
            ? await d.refunds.approve(refundId, actor, reason)
            : action === 'refuse'
              ? await d.refunds.refuse(refundId, actor, reason)
              : await d.refunds.markPaid(refundId, actor, reason);
        return { refund: out.refund };
      }),
    );
  }

  r.get(
    '/ledger/verify',
    respond(OpsLedgerVerifyResponseSchema, (req) =>
      d.ops.verifyLedger(parse(OpsLedgerVerifyQuerySchema, req.query, 'query').organizationId),
    ),
  );
  r.get(
    '/audit',
    respond(AuditResponseSchema, (req) => {
      const q = parse(OpsAuditQuerySchema, req.query, 'query');
      return d.audit.page(q.organizationId, q);
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
