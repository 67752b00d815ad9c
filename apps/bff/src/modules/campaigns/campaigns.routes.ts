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
import { created, handle, parse, respond } from '../../lib/http.ts';
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

const campaignIdOf = (req: Request) => parse(CampaignParamsSchema, req.params, 'params').campaignId;

export function campaignsRoutes(campaigns: CampaignsService) {
  const r = Router();
  r.use('/campaigns', requireManager);

  r.get(
    '/campaigns',
    respond(CampaignsResponseSchema, async (_req, res) => ({ campaigns: await campaigns.list(ctx(res).org) })),
  );
  r.post(
    '/campaigns',
    created(CampaignResponseSchema, async (req, res) => {
      const { settings } = parse(CreateCampaignQuerySchema, req.query, 'query');
      const { identity, org } = ctx(res);
      return { campaign: await campaigns.create(identity, org, settings, csvBody(req, true)!) };
    }),
  );
  r.get(
    '/campaigns/quiet-hours',
    respond(QuietHoursPolicyViewSchema, () => campaigns.quietHoursView()),
  );
  r.get(
    '/campaigns/:campaignId',
    respond(CampaignResponseSchema, async (req, res) => ({ campaign: await campaigns.detail(ctx(res).org.id, campaignIdOf(req)) })),
  );
  r.delete(
    '/campaigns/:campaignId',
    handle(async (req, res) => {
      await campaigns.remove(ctx(res).org, campaignIdOf(req));
      res.status(204).end();
    }),
  );
  r.get(
    '/campaigns/:campaignId/plan',
    respond(CampaignPlanSchema, (req, res) => campaigns.plan(ctx(res).org, campaignIdOf(req), parse(PlanQuerySchema, req.query, 'query'))),
  );
  r.post(
    '/campaigns/:campaignId/test-send',
    respond(TestSendResponseSchema, (req, res) => {
      const campaignId = campaignIdOf(req);
      const body = parse(TestSendRequestSchema, req.body);
      const { identity, org } = ctx(res);
      return campaigns.testSend(identity, org, campaignId, body.to);
    }),
  );
  r.post(
    '/campaigns/:campaignId/launch',
    respond(CampaignResponseSchema, async (req, res) => {
      const campaignId = campaignIdOf(req);
      const body = parse(LaunchCampaignRequestSchema, req.body ?? {});
      return { campaign: await campaigns.launch(ctx(res).org, campaignId, body) };
    }),
  );
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    r.post(
      `/campaigns/:campaignId/${action}`,
      respond(CampaignResponseSchema, async (req, res) => ({ campaign: await campaigns[action](ctx(res).org, campaignIdOf(req)) })),
    );
  }
  r.post(
    '/campaigns/:campaignId/retry',
    respond(RetryFailedResponseSchema, (req, res) => {
      const campaignId = campaignIdOf(req);
      const q = parse(RetryFailedQuerySchema, req.query, 'query');
      return campaigns.retryFailed(ctx(res).org, campaignId, csvBody(req, false), q.settings?.fallbacks ?? []);
    }),
  );
  r.get(
    '/campaigns/:campaignId/recipients',
    respond(RecipientsResponseSchema, (req, res) =>
      campaigns.recipients(ctx(res).org, campaignIdOf(req), parse(RecipientsQuerySchema, req.query, 'query')),
    ),
  );
  r.get(
    '/campaigns/:campaignId/report.csv',
    handle(async (req, res) => {
      const campaignId = campaignIdOf(req);
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
      const campaignId = campaignIdOf(req);
      const csv = await campaigns.rejectedCsv(ctx(res).org, campaignId);
      res.type('text/csv; charset=utf-8').attachment(`campaign-${campaignId}-rejected.csv`).send(csv);
    }),
  );
  return r;
}
