import express, { Router, type NextFunction, type Request, type Response } from 'express';
import {
  CreateTemplateResponseSchema,
  StudioTemplatesResponseSchema,
  TemplateDraftSchema,
  TemplateKeyParamsSchema,
  TemplateSampleQuerySchema,
  TemplateSampleResponseSchema,
  TemplateUsageSchema,
  type StudioTemplatesResponse,
} from '@wa/contracts';
import { createdOrExisting } from '../../lib/created-or-existing.ts';
import { created, parse, respond } from '../../lib/http.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import { RetryLaterError, type TemplatesService } from './templates.service.ts';

/** The hourly limit's refusal carries Retry-After, so clients (and people) know when to try again. */
function retryAfter(err: unknown, _req: Request, res: Response, next: NextFunction) {
  if (err instanceof RetryLaterError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  next(err);
}

/** The template studio: everyone reads; owners and admins create, delete and upload samples. */
export function templatesRoutes(templates: TemplatesService) {
  const r = Router();
  const studioList = (load: (orgId: string) => Promise<StudioTemplatesResponse['templates']>) =>
    respond(StudioTemplatesResponseSchema, async (_req, res) => {
      const { org, identity } = ctx(res);
      return { templates: await load(org.id), canManage: identity.role !== 'agent' };
    });
  r.get(
    '/templates',
    studioList((orgId) => templates.list(orgId)),
  );
  r.post(
    '/templates/sync',
    studioList((orgId) => templates.syncAll(orgId)),
  );
  r.post(
    '/templates',
    requireManager,
    createdOrExisting(CreateTemplateResponseSchema, (req, res) => {
      const draft = parse(TemplateDraftSchema, req.body);
      const { org, identity } = ctx(res);
      return templates.create(org.id, identity, draft);
    }),
  );
  r.post(
    '/templates/samples',
    requireManager,
    express.raw({ type: () => true, limit: '16mb' }),
    created(TemplateSampleResponseSchema, (req, res) => {
      const q = parse(TemplateSampleQuerySchema, req.query, 'query');
      const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      return templates.uploadSample(ctx(res).org.id, q.numberId, { bytes, mimeType: req.get('content-type') ?? '', fileName: q.fileName });
    }),
  );
  r.get(
    '/templates/:numberId/:name/usage',
    respond(TemplateUsageSchema, (req, res) => {
      const p = parse(TemplateKeyParamsSchema, req.params, 'params');
      return templates.usage(ctx(res).org.id, p.numberId, p.name);
    }),
  );
  r.delete(
    '/templates/:numberId/:name',
    requireManager,
    respond(TemplateUsageSchema, (req, res) => {
      const p = parse(TemplateKeyParamsSchema, req.params, 'params');
      const { org, identity } = ctx(res);
      return templates.remove(org.id, identity, p.numberId, p.name);
    }),
  );
  r.use(retryAfter);
  return r;
}
