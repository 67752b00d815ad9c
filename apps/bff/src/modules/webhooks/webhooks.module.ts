import type { ModuleContext } from '../../lib/module-context.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import { KaleyraWebhookService } from './kaleyra-webhook.service.ts';

/** Kaleyra's status and incoming webhooks; other modules subscribe to what arrives. */
export function createWebhooksModule(ctx: ModuleContext, deps: { messaging: MessagingService }) {
  return { kaleyraWebhooks: new KaleyraWebhookService(ctx.db, deps.messaging, ctx.log) };
}
