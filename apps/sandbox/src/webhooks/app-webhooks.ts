import { randomUUID } from 'node:crypto';
import { deliver } from '../lib/deliver.ts';
import type { SeedOrganization } from '../seed.ts';
import type { SandboxContext, WebhookDelivery } from '../state.ts';

export type AppWebhookEvent =
  'application_installed' | 'application_uninstalled' | 'payment_activated' | 'payment_collected' | 'payment_cancelled';

/**
 * Fire-and-forget LiveChat app webhook, `{event, licenseID, organizationID, clientID, userID, date, payload}`.
 * Like the real one it carries no signature. Two retries on failure; every delivery is recorded.
 */
export function sendAppWebhook(
  ctx: SandboxContext,
  event: AppWebhookEvent,
  input: { organization: SeedOrganization; userID: string; clientID?: string | undefined; payload: unknown },
): WebhookDelivery {
  const body = {
    event,
    licenseID: input.organization.license_id,
    organizationID: input.organization.id,
    clientID: input.clientID ?? ctx.config.livechatClientId,
    userID: input.userID,
    date: new Date().toISOString(),
    payload: input.payload,
  };
  const url = ctx.state.appWebhookUrl || null;
  const record: WebhookDelivery = {
    id: randomUUID(),
    event,
    url,
    body,
    delivered: false,
    outcome: url ? 'pending' : 'skipped',
    status: null,
    attempts: [],
    at: body.date,
  };
  ctx.state.webhookDeliveries.push(record);
  if (!url) return record;

  ctx.scheduler.run(async () => {
    const result = await deliver(ctx.scheduler, { method: 'POST', url, json: body }, { retries: 2, retryDelayMs: 250 });
    record.delivered = result.ok;
    record.outcome = result.ok ? 'delivered' : 'failed';
    record.status = result.status;
    record.attempts = result.attempts;
    record.url = result.url;
  });
  return record;
}
