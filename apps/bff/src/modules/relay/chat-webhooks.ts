import { z } from 'zod';
import type { LiveChatChatPort } from '../../providers/livechat-chat/livechat-chat.port.ts';

/**
 * The chat webhooks the relay needs. They belong to the application (one registration per Client ID, enabled on
 * every license that installs the app), not to a business: an operator registers them once per deployment.
 */
export const RELAY_WEBHOOKS = [
  // Only agents' events of chats our app started: customers' own events are ours already.
  { action: 'incoming_event', filters: { author_type: 'agent', only_my_chats: true } },
  { action: 'chat_deactivated', filters: { only_my_chats: true } },
] as const;

export interface ChatWebhookTarget {
  /** `${PUBLIC_BASE_URL}/webhooks/livechat-chat` */
  url: string;
  secretKey: string;
  clientId: string;
}

const Listed = z.array(z.object({ id: z.string(), action: z.string(), url: z.string() }).passthrough());

export async function listChatWebhooks(livechat: LiveChatChatPort, token: string, clientId: string) {
  return Listed.parse(await livechat.configuration(token, 'list_webhooks', { owner_client_id: clientId }));
}

/** Registers what is missing for this URL; idempotent, so a repeated deploy step registers nothing twice. */
export async function registerChatWebhooks(
  livechat: LiveChatChatPort,
  token: string,
  target: ChatWebhookTarget,
): Promise<{ registered: string[]; existing: string[] }> {
  const present = await listChatWebhooks(livechat, token, target.clientId);
  const registered: string[] = [];
  const existing: string[] = [];
  for (const hook of RELAY_WEBHOOKS) {
    const found = present.find((w) => w.action === hook.action && w.url === target.url);
    if (found) {
      existing.push(found.id);
      continue;
    }
    const { id } = z.object({ id: z.string() }).parse(
      await livechat.configuration(token, 'register_webhook', {
        url: target.url,
        action: hook.action,
        secret_key: target.secretKey,
        owner_client_id: target.clientId,
        type: 'license',
        filters: hook.filters,
      }),
    );
    registered.push(id);
  }
  return { registered, existing };
}

/** Unregisters the relay's webhooks that point at this URL. */
export async function unregisterChatWebhooks(
  livechat: LiveChatChatPort,
  token: string,
  target: Omit<ChatWebhookTarget, 'secretKey'>,
): Promise<string[]> {
  const present = await listChatWebhooks(livechat, token, target.clientId);
  const removed: string[] = [];
  for (const w of present.filter((x) => x.url === target.url)) {
    await livechat.configuration(token, 'unregister_webhook', { id: w.id, owner_client_id: target.clientId });
    removed.push(w.id);
  }
  return removed;
}
