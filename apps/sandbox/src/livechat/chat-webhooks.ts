import { randomUUID } from 'node:crypto';
import { deliver } from '../lib/deliver.ts';
import type { SandboxContext } from '../state.ts';
import type { ChatRecord, ChatStore, ChatWebhookDelivery, RegisteredWebhook } from './chat-store.ts';

/** Who caused a webhook: the `author_type` filter of `incoming_event` compares against it. */
export type AuthorType = 'customer' | 'agent';

/** How LiveChat retries a webhook that got no 2xx: up to three more times within about a minute. */
export const WEBHOOK_RETRIES = 3;
export const WEBHOOK_RETRY_DELAY_MS = 400;

function matches(webhook: RegisteredWebhook, chat: ChatRecord | null, authorType: AuthorType | null): boolean {
  if (webhook.type !== 'license') return false;
  const filters = webhook.filters ?? {};
  if (filters.author_type && authorType && filters.author_type !== authorType) return false;
  if (filters.only_my_chats) {
    const source = chat?.properties.source as { client_id?: string } | undefined;
    if (source?.client_id !== webhook.owner_client_id) return false;
  }
  return true;
}

/**
 * Sends `action` to every chat webhook registered for it (license webhooks are enabled on every license that has
 * the app installed), in the v3.6 envelope: `{webhook_id, secret_key, action, organization_id, payload,
 * additional_data}`. Each delivery runs in the background with LiveChat's retries and is recorded for tests.
 */
export function emitChatWebhook(
  ctx: SandboxContext,
  store: ChatStore,
  input: {
    action: string;
    organizationId: string;
    chat: ChatRecord | null;
    payload: Record<string, unknown>;
    authorType?: AuthorType | null;
  },
): ChatWebhookDelivery[] {
  if (store.disabledLicenses.has(input.organizationId)) return [];
  const out: ChatWebhookDelivery[] = [];
  for (const webhook of store.webhooks.values()) {
    if (webhook.action !== input.action) continue;
    if (!matches(webhook, input.chat, input.authorType ?? null)) continue;
    const additional: Record<string, unknown> = {};
    if (webhook.additional_data?.includes('chat_properties') && input.chat) {
      additional.chat_properties = input.chat.properties;
    }
    const body = {
      webhook_id: webhook.id,
      secret_key: webhook.secret_key,
      action: input.action,
      organization_id: input.organizationId,
      payload: input.payload,
      additional_data: additional,
    };
    const delivery: ChatWebhookDelivery = {
      id: randomUUID(),
      webhook_id: webhook.id,
      action: input.action,
      organization_id: input.organizationId,
      url: webhook.url,
      body,
      outcome: 'pending',
      status: null,
      attempts: [],
      at: new Date().toISOString(),
    };
    store.deliveries.push(delivery);
    if (store.deliveries.length > 5000) store.deliveries.splice(0, store.deliveries.length - 5000);
    out.push(delivery);
    ctx.scheduler.run(async () => {
      const result = await deliver(
        ctx.scheduler,
        { method: 'POST', url: webhook.url, json: body },
        { retries: WEBHOOK_RETRIES, retryDelayMs: WEBHOOK_RETRY_DELAY_MS, timeoutMs: 10_000 },
      );
      delivery.outcome = result.ok ? 'delivered' : 'failed';
      delivery.status = result.status;
      delivery.attempts = result.attempts;
    });
  }
  return out;
}
