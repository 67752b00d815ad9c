import type { Request } from 'express';
import { Router } from 'express';
import {
  CampaignParamsSchema,
  CampaignPlanSchema,
  CampaignResponseSchema,
  CampaignsResponseSchema,
  CreateCampaignQuerySchema,
  ErrorCode,
  LaunchCampaignRequestSchema,
  PlanQuerySchema,
  QuietHoursPolicyViewSchema,
  RecipientsQuerySchema,
  RecipientsResponseSchema,
  RetryFailedQuerySchema,
  RetryFailedResponseSchema,
  TestSendRequestSchema,
  TestSendResponseSchema,
} from '@wa/contracts';
import { DomainError } from '../../lib/errors.ts';
import { handle, parse } from '../../lib/http.ts';
import { ctx, requireManager } from '../auth/auth.middleware.ts';
import type { CampaignsService } from './campaigns.service.ts';

/** The CSV arrives as the raw body (streamed into the check), never through a JSON or form parser. */
function csvBody(req: Request, required: boolean): Request | null {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || !!req.headers['transfer-encoding'];
  if (!hasBody) {
    if (!required) return null;
    throw new DomainError(ErrorCode.csvInvalid, 'No file', 'Choose a CSV file with your recipients.', {
      errors: [{ path: 'file', message: 'required' }],
    });
  }
  if (type.startsWith('application/json') || type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/')) {
    throw new DomainError(
      ErrorCode.unsupportedMediaType,
      'Send the file itself',
      'Upload the CSV file as the request body (Content-Type: text/csv).',
    );
  }
  return req;
}

export function campaignsRoutes(campaigns: CampaignsService) {
  const r = Router();
  r.use('/campaigns', requireManager);

  r.get(
    '/campaigns',
    handle(async (_req, res) => {
      res.json(CampaignsResponseSchema.parse({ campaigns: await campaigns.list(ctx(res).org) }));
    }),
  );
  r.post(
    '/campaigns',
    handle(async (req, res) => {
      const { settings } = parse(CreateCampaignQuerySchema, req.query, 'query');
      const { identity, org } = ctx(res);
      const campaign = await campaigns.create(identity, org, settings, csvBody(req, true)!);
      res.status(201).json(CampaignResponseSchema.parse({ campaign }));
    }),
  );
  r.get(
    '/campaigns/quiet-hours',
    handle(async (_req, res) => {
      res.json(QuietHoursPolicyViewSchema.parse(campaigns.quietHoursView()));
    }),
  );
  r.get(
    '/campaigns/:campaignId',
    handle(async (req, res) => {
      const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
      res.json(CampaignResponseSchema.parse({ campaign: await campaigns.detail(ctx(res).org.id, campaignId) }));
    }),
  );
  r.delete(
    '/campaigns/:campaignId',
    handle(async (req, res) => {
      const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
      await campaigns.remove(ctx(res).org, campaignId);
      res.status(204).end();
    }),
  );
  r.get(
    '/campaigns/:campaignId/plan',
    handle(async (req, res) => {
      const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
      const q = parse(PlanQuerySchema, req.query, 'query');
      res.json(CampaignPlanSchema.parse(await campaigns.plan(ctx(res).org, campaignId, q)));
    }),
  );
  r.post(
    '/campaigns/:campaignId/test-send',
    handle(async (req, res) => {
      const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
      const body = parse(TestSendRequestSchema, req.body);
      const { identity, org } = ctx(res);
      res.json(TestSendResponseSchema.parse(await campaigns.testSend(identity, org, campaignId, body.to)));
    }),
  );
  r.post(
    '/campaigns/:campaignId/launch',
    handle(async (req, res) => {
      const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
      const body = parse(LaunchCampaignRequestSchema, req.body ?? {});
      res.json(CampaignResponseSchema.parse({ campaign: await campaigns.launch(ctx(res).org, campaignId, body) }));
    }),
  );
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    r.post(
      `/campaigns/:campaignId/${action}`,
      handle(async (req, res) => {
        const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
        res.json(CampaignResponseSchema.parse({ campaign: await campaigns[action](ctx(res).org, campaignId) }));
      }),
    );
  }
  r.post(
    '/campaigns/:campaignId/retry',
    handle(async (req, res) => {
      const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
      const q = parse(RetryFailedQuerySchema, req.query, 'query');
      const result = await campaigns.retryFailed(ctx(res).org, campaignId, csvBody(req, false), q.settings?.fallbacks ?? []);
      res.json(RetryFailedResponseSchema.parse(result));
    }),
  );
  r.get(
    '/campaigns/:campaignId/recipients',
    handle(async (req, res) => {
      const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
      const q = parse(RecipientsQuerySchema, req.query, 'query');
      res.json(RecipientsResponseSchema.parse(await campaigns.recipients(ctx(res).org, campaignId, q)));
    }),
  );
  r.get(
    '/campaigns/:campaignId/report.csv',
    handle(async (req, res) => {
      const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
      const pages = campaigns.reportCsv(ctx(res).org, campaignId);
      const first = await pages.next();
      res.type('text/csv; charset=utf-8').attachment(`campaign-${campaignId}-report.csv`);
      if (!first.done) res.write(first.value);
      for await (const page of pages) res.write(page);
      res.end();
    }),
  );
  r.get(
    '/campaigns/:campaignId/rejected.csv',
    handle(async (req, res) => {
      const { campaignId } = parse(CampaignParamsSchema, req.params, 'params');
      const csv = await campaigns.rejectedCsv(ctx(res).org, campaignId);
      res.type('text/csv; charset=utf-8').attachment(`campaign-${campaignId}-rejected.csv`).send(csv);
    }),
  );
  return r;
}
