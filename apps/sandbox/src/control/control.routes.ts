import { Router } from 'express';
import { z } from 'zod';
import { parseOr400, sendProblem } from '../lib/http.ts';
import { publicOrganizations } from '../seed.ts';
import { findOrganization, type SandboxContext } from '../state.ts';
import { sendAppWebhook } from '../webhooks/app-webhooks.ts';
import { chatStoreOf } from '../livechat/chat-store.ts';
import { resetPhone } from '../phone/phone.routes.ts';
import { resetTemplateStudio } from '../kaleyra/kaleyra-template-studio.ts';

const WebhookUrlInput = z.object({ url: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]) });
const OrganizationInput = z.object({ organization: z.union([z.string().min(1), z.number().int()]) });

/** Sandbox-wide control: seed data, reset, app webhooks, install/uninstall. */
export function controlRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/sandbox/health', (_req, res) => {
    res.json({ ok: true });
  });

  router.get('/sandbox/orgs', (_req, res) => {
    res.json({ organizations: publicOrganizations() });
  });

  router.post('/sandbox/reset', (_req, res) => {
    ctx.scheduler.reset();
    ctx.state.reset();
    chatStoreOf(ctx.state).reset();
    resetPhone(ctx.state);
    resetTemplateStudio(ctx);
    res.json({ ok: true });
  });

  router.get('/sandbox/app-webhook', (_req, res) => {
    res.json({ url: ctx.state.appWebhookUrl });
  });

  router.put('/sandbox/app-webhook', (req, res) => {
    const input = parseOr400(WebhookUrlInput, req.body, res);
    if (!input) return;
    ctx.state.appWebhookUrl = input.url;
    res.json({ url: ctx.state.appWebhookUrl });
  });

  router.get('/sandbox/app-webhook/deliveries', (req, res) => {
    const event = typeof req.query.event === 'string' ? req.query.event : undefined;
    res.json({ deliveries: ctx.state.webhookDeliveries.filter((d) => !event || d.event === event) });
  });

  for (const [action, event] of [
    ['install', 'application_installed'],
    ['uninstall', 'application_uninstalled'],
  ] as const) {
    router.post(`/sandbox/apps/${action}`, (req, res) => {
      const input = parseOr400(OrganizationInput, req.body, res);
      if (!input) return;
      const organization = findOrganization(input.organization);
      if (!organization) {
        return sendProblem(res, 404, 'Unknown organization', `No seeded organization ${String(input.organization)}.`);
      }
      const owner = organization.accounts.find((a) => a.role === 'owner') ?? organization.accounts[0];
      const delivery = sendAppWebhook(ctx, event, {
        organization,
        userID: owner?.account_id ?? '',
        payload: {},
      });
      res.status(202).json({ delivery });
    });
  }

  return router;
}
