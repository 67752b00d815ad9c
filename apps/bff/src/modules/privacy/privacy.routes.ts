import express, { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
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
import { handle, parse, respond } from '../../lib/http.ts';
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
    respond(RecipientDataSchema, async (req, res) => {
      const { phone } = parse(RecipientQuerySchema, req.query, 'query');
      return rights.lookup((await who(res)).orgId, phone);
    }),
  );
  r.post(
    `${base}/erase`,
    respond(RecipientEraseResponseSchema, async (req, res) => {
      const { phone } = parse(RecipientPhoneRequestSchema, req.body ?? {});
      const { orgId, actor } = await who(res);
      const erased = await rights.erase(orgId, phone, actor);
      return { erased, data: await rights.lookup(orgId, phone) };
    }),
  );
  // A change of what may be done with the number answers with what is then held about it.
  const change = <S extends z.ZodType<{ phone: string }>>(
    path: string,
    schema: S,
    act: (orgId: string, body: z.output<S>, actor: Actor) => Promise<unknown>,
  ) =>
    r.post(
      `${base}/${path}`,
      respond(RecipientDataSchema, async (req, res) => {
        const body = parse(schema, req.body ?? {});
        const { orgId, actor } = await who(res);
        await act(orgId, body, actor);
        return rights.lookup(orgId, body.phone);
      }),
    );
  change('restrict', RecipientReasonRequestSchema, (orgId, { phone, reason }, actor) => rights.restrict(orgId, phone, reason, actor));
  change('unrestrict', RecipientPhoneRequestSchema, (orgId, { phone }, actor) => rights.unrestrict(orgId, phone, actor));
  change('withdraw-consent', RecipientOptionalReasonRequestSchema, (orgId, { phone, reason }, actor) =>
    rights.withdrawConsent(orgId, phone, reason || null, actor),
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
    respond(BusinessContactResponseSchema, (_req, res) => p.business.contact(ctx(res).org.id, ctx(res).identity)),
  );
  r.put(
    '/account/contact',
    requireManager,
    respond(BusinessContactResponseSchema, (req, res) => {
      const body = parse(BusinessContactSchema, req.body ?? {});
      const c = ctx(res);
      return p.business.updateContact(c.org.id, body, actors.account(c.identity.accountId), c.identity);
    }),
  );
  r.get(
    '/account/data-deletion',
    requireManager,
    respond(DataDeletionSchema, (_req, res) => p.business.deletion(ctx(res).org.id)),
  );
  // POST asks for the deletion, DELETE withdraws a request that has not run yet.
  for (const [method, act] of [
    ['post', (org: string, actor: Actor) => p.business.requestDeletion(org, actor)],
    ['delete', (org: string, actor: Actor) => p.business.withdrawDeletion(org, actor)],
  ] as const) {
    r[method](
      '/account/data-deletion',
      requireManager,
      respond(DataDeletionSchema, (_req, res) => act(ctx(res).org.id, actors.account(ctx(res).identity.accountId))),
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
  for (const path of ['/businesses/:organizationId/recipients', '/businesses/:organizationId/data-deletion']) {
    r.use(path, express.json({ limit: '16kb' }), ...operatorAuth(d.credentials, d.failuresPer15Min, d.log));
  }
  const business = (req: Request) => parse(OpsRecipientParamsSchema, req.params, 'params').organizationId;
  r.get(
    '/businesses/:organizationId/data-deletion',
    respond(DataDeletionSchema, (req) => p.business.deletion(business(req))),
  );
  r.post(
    '/businesses/:organizationId/data-deletion',
    respond(DataDeletionSchema, (req, res) => p.business.deleteOnRequestOfLostBusiness(business(req), actors.operator(operatorOf(res)))),
  );
  recipientRoutes(r, '/businesses/:organizationId/recipients', p, async (res) => {
    const organizationId = business(res.req);
    if (!(await p.recipients.businessExists(organizationId))) throw errors.notFound('The business');
    return { orgId: organizationId, actor: actors.operator(operatorOf(res)) };
  });
  return r;
}
