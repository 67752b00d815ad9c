import express, { Router, type NextFunction, type Request, type Response } from 'express';
import {
  CreateTemplateResponseSchema,
  StudioTemplatesResponseSchema,
  TemplateDraftSchema,
  TemplateKeyParamsSchema,
  TemplateSampleQuerySchema,
  TemplateSampleResponseSchema,
  TemplateUsageSchema,
} from '@wa/contracts';
import { handle, parse } from '../../lib/http.ts';
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
  r.get(
    '/templates',
    handle(async (_req, res) => {
      const { org, identity } = ctx(res);
      res.json(StudioTemplatesResponseSchema.parse({ templates: await templates.list(org.id), canManage: identity.role !== 'agent' }));
    }),
  );
  r.post(
    '/templates/sync',
    handle(async (_req, res) => {
      const { org, identity } = ctx(res);
      res.json(StudioTemplatesResponseSchema.parse({ templates: await templates.syncAll(org.id), canManage: identity.role !== 'agent' }));
    }),
  );
  r.post(
    '/templates',
    requireManager,
    handle(async (req, res) => {
      const draft = parse(TemplateDraftSchema, req.body);
      const { org, identity } = ctx(res);
      const result = await templates.create(org.id, identity, draft);
      res.status(result.created ? 201 : 200).json(CreateTemplateResponseSchema.parse(result));
    }),
  );
  r.post(
    '/templates/samples',
    requireManager,
    express.raw({ type: () => true, limit: '16mb' }),
    handle(async (req, res) => {
      const q = parse(TemplateSampleQuerySchema, req.query, 'query');
      const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      const result = await templates.uploadSample(ctx(res).org.id, q.numberId, {
        bytes,
        mimeType: req.get('content-type') ?? '',
        fileName: q.fileName,
      });
      res.status(201).json(TemplateSampleResponseSchema.parse(result));
    }),
  );
  r.get(
    '/templates/:numberId/:name/usage',
    handle(async (req, res) => {
      const p = parse(TemplateKeyParamsSchema, req.params, 'params');
      res.json(TemplateUsageSchema.parse(await templates.usage(ctx(res).org.id, p.numberId, p.name)));
    }),
  );
  r.delete(
    '/templates/:numberId/:name',
    requireManager,
    handle(async (req, res) => {
      const p = parse(TemplateKeyParamsSchema, req.params, 'params');
      const { org, identity } = ctx(res);
      res.json(TemplateUsageSchema.parse(await templates.remove(org.id, identity, p.numberId, p.name)));
    }),
  );
  r.use(retryAfter);
  return r;
}
