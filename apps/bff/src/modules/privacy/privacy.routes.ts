import express, { Router, type Response } from 'express';
import {
  BusinessContactResponseSchema,
  BusinessContactSchema,
  DataDeletionSchema,
  OpsRecipientParamsSchema,
  RecipientDataSchema,
  RecipientEraseResponseSchema,
  RecipientOptionalReasonRequestSchema,
  RecipientPhoneRequestSchema,
  RecipientQuerySchema,
  RecipientReasonRequestSchema,
} from '@wa/contracts';
import { errors } from '../../lib/errors.ts';
import { handle, parse } from '../../lib/http.ts';
import type { Logger } from '../../lib/logger.ts';
import { actors, type Actor } from '../audit/audit.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import { operatorAuth, operatorOf, type OperatorCredential } from '../ops/operator-auth.ts';
import type { PrivacyServices } from './privacy.module.ts';

/** The recipient-rights endpoints, the same for owners (their organization) and operators (any). */
function recipientRoutes(r: Router, base: string, p: PrivacyServices, who: (res: Response) => Promise<{ orgId: string; actor: Actor }>) {
  const rights = p.recipients;
  r.get(
    base,
    handle(async (req, res) => {
      const { phone } = parse(RecipientQuerySchema, req.query, 'query');
      const { orgId } = await who(res);
      res.json(RecipientDataSchema.parse(await rights.lookup(orgId, phone)));
    }),
  );
  r.post(
    `${base}/erase`,
    handle(async (req, res) => {
      const { phone } = parse(RecipientPhoneRequestSchema, req.body ?? {});
      const { orgId, actor } = await who(res);
      const erased = await rights.erase(orgId, phone, actor);
      res.json(RecipientEraseResponseSchema.parse({ erased, data: await rights.lookup(orgId, phone) }));
    }),
  );
  r.post(
    `${base}/restrict`,
    handle(async (req, res) => {
      const { phone, reason } = parse(RecipientReasonRequestSchema, req.body ?? {});
      const { orgId, actor } = await who(res);
      await rights.restrict(orgId, phone, reason, actor);
      res.json(RecipientDataSchema.parse(await rights.lookup(orgId, phone)));
    }),
  );
  r.post(
    `${base}/unrestrict`,
    handle(async (req, res) => {
      const { phone } = parse(RecipientPhoneRequestSchema, req.body ?? {});
      const { orgId, actor } = await who(res);
      await rights.unrestrict(orgId, phone, actor);
      res.json(RecipientDataSchema.parse(await rights.lookup(orgId, phone)));
    }),
  );
  r.post(
    `${base}/withdraw-consent`,
    handle(async (req, res) => {
      const { phone, reason } = parse(RecipientOptionalReasonRequestSchema, req.body ?? {});
      const { orgId, actor } = await who(res);
      await rights.withdrawConsent(orgId, phone, reason || null, actor);
      res.json(RecipientDataSchema.parse(await rights.lookup(orgId, phone)));
    }),
  );
}

/** G, L.11: the organization's data export and a recipient's rights, for owners and admins. */
export function privacyRoutes(p: PrivacyServices) {
  const r = Router();
  r.get(
    '/privacy/export.zip',
    requireManager,
    handle(async (_req, res) => {
      const orgId = ctx(res).org.id;
      const day = new Date().toISOString().slice(0, 10);
      res.status(200).type('application/zip').attachment(`whatsapp-data-export-${day}.zip`).setHeader('cache-control', 'no-store');
      await p.exports.write(orgId, res);
    }),
  );
  // L.11a–b: the business's own contact data and the deletion of its data after uninstalling.
  r.get(
    '/account/contact',
    handle(async (_req, res) => {
      const c = ctx(res);
      res.json(BusinessContactResponseSchema.parse(await p.business.contact(c.org.id, c.identity)));
    }),
  );
  r.put(
    '/account/contact',
    requireManager,
    handle(async (req, res) => {
      const body = parse(BusinessContactSchema, req.body ?? {});
      const c = ctx(res);
      res.json(
        BusinessContactResponseSchema.parse(
          await p.business.updateContact(c.org.id, body, actors.account(c.identity.accountId), c.identity),
        ),
      );
    }),
  );
  r.get(
    '/account/data-deletion',
    requireManager,
    handle(async (_req, res) => {
      res.json(DataDeletionSchema.parse(await p.business.deletion(ctx(res).org.id)));
    }),
  );
  // POST asks for the deletion, DELETE withdraws a request that has not run yet.
  for (const [method, act] of [
    ['post', (org: string, actor: Actor) => p.business.requestDeletion(org, actor)],
    ['delete', (org: string, actor: Actor) => p.business.withdrawDeletion(org, actor)],
  ] as const) {
    r[method](
      '/account/data-deletion',
      requireManager,
      handle(async (_req, res) => {
        const c = ctx(res);
        res.json(DataDeletionSchema.parse(await act(c.org.id, actors.account(c.identity.accountId))));
      }),
    );
  }
  r.use('/privacy/recipients', requireManager);
  recipientRoutes(r, '/privacy/recipients', p, async (res) => {
    const c = ctx(res);
    return { orgId: c.org.id, actor: actors.account(c.identity.accountId) };
  });
  return r;
}

/** The same rights for operators, on any business (mounted at /ops next to the rest of the operator surface). */
export function privacyOpsRoutes(
  p: PrivacyServices,
  d: { credentials: readonly OperatorCredential[]; failuresPer15Min: number; log: Logger },
) {
  const r = Router();
  r.use(
    '/businesses/:organizationId/recipients',
    express.json({ limit: '16kb' }),
    ...operatorAuth(d.credentials, d.failuresPer15Min, d.log),
  );
  r.use(
    '/businesses/:organizationId/data-deletion',
    express.json({ limit: '16kb' }),
    ...operatorAuth(d.credentials, d.failuresPer15Min, d.log),
  );
  r.get(
    '/businesses/:organizationId/data-deletion',
    handle(async (req, res) => {
      const { organizationId } = parse(OpsRecipientParamsSchema, req.params, 'params');
      res.json(DataDeletionSchema.parse(await p.business.deletion(organizationId)));
    }),
  );
  r.post(
    '/businesses/:organizationId/data-deletion',
    handle(async (req, res) => {
      const { organizationId } = parse(OpsRecipientParamsSchema, req.params, 'params');
      res.json(DataDeletionSchema.parse(await p.business.deleteOnRequestOfLostBusiness(organizationId, actors.operator(operatorOf(res)))));
    }),
  );
  recipientRoutes(r, '/businesses/:organizationId/recipients', p, async (res) => {
    const { organizationId } = parse(OpsRecipientParamsSchema, res.req.params, 'params');
    if (!(await p.recipients.businessExists(organizationId))) throw errors.notFound('The business');
    return { orgId: organizationId, actor: actors.operator(operatorOf(res)) };
  });
  return r;
}
