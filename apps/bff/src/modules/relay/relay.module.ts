import type { ModuleContext } from '../../lib/module-context.ts';
import { timedPort } from '../../lib/provider-time.ts';
import { LiveChatChatClient } from '../../providers/livechat-chat/livechat-chat.client.ts';
import type { LiveChatChatPort } from '../../providers/livechat-chat/livechat-chat.port.ts';
import type { TokenVault } from '../billing/token-vault.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import { RelayService } from './relay.service.ts';

/** WhatsApp chats in LiveChat. */
export function createRelayModule(
  ctx: ModuleContext,
  deps: { vault: TokenVault; messaging: MessagingService; optsOut: (text: string | null) => boolean; livechatChat?: LiveChatChatPort },
) {
  const { config } = ctx;
  const livechatChat =
    deps.livechatChat ??
    new LiveChatChatClient({
      accountsUrl: config.LIVECHAT_ACCOUNTS_URL,
      apiUrl: config.LIVECHAT_API_URL,
      clientId: config.LIVECHAT_CLIENT_ID,
      clientSecret: config.LIVECHAT_CLIENT_SECRET ?? '',
    });
  const relay = new RelayService(
    ctx.db,
    timedPort(livechatChat),
    deps.vault,
    deps.messaging,
    {
      clientId: config.LIVECHAT_CLIENT_ID,
      clientSecretSet: !!config.LIVECHAT_CLIENT_SECRET,
      webhookSecret: config.LIVECHAT_CHAT_WEBHOOK_SECRET ?? null,
      webhookUrl: new URL('/webhooks/livechat-chat', config.PUBLIC_BASE_URL).toString(),
      optsOut: deps.optsOut,
      apiUrl: config.LIVECHAT_API_URL,
    },
    ctx.log,
    ctx.now,
  );
  return { relay };
}
