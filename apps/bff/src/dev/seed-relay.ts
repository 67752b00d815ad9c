import type { Services } from '../app.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../lib/logger.ts';

interface SandboxOrg {
  id: string;
  accounts?: { email: string; role: string }[];
}

/**
 * Development and end-to-end only: WhatsApp chats in LiveChat work right after start. Each seeded business signs in
 * with the code grant as its owner would, the relay goes on for its numbers (group 0), and the application's chat
 * webhooks are registered against the sandbox, as `pnpm ops livechat-webhooks register` does in production.
 */
export async function seedRelayFromSandbox(deps: { sandboxUrl: string; services: Services; config: Config; log: Logger }) {
  const { sandboxUrl, services, config, log } = deps;
  if (!config.LIVECHAT_CLIENT_SECRET) {
    log.warn('LIVECHAT_CLIENT_SECRET is not set: WhatsApp chats in LiveChat are not seeded');
    return;
  }
  const orgs = ((await (await fetch(`${sandboxUrl}/sandbox/orgs`)).json()) as { organizations: SandboxOrg[] }).organizations;
  const redirectUri = new URL('/widget/', config.PUBLIC_BASE_URL).toString();
  let registered = false;
  for (const o of orgs) {
    const owner = o.accounts?.find((a) => a.role === 'owner');
    if (!owner) continue;
    try {
      const status = await services.relay.status(o.id);
      if (!status.authorization.connected) {
        const res = await fetch(`${sandboxUrl}/sandbox/oauth/grant`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: owner.email, response_type: 'code', redirect_uri: redirectUri }),
        });
        const { code } = (await res.json()) as { code: string };
        await services.relay.connect(o.id, { code, redirectUri });
      }
      for (const n of (await services.relay.status(o.id)).numbers) {
        if (!n.enabled) await services.relay.setNumber(o.id, n.numberId, { enabled: true, groupId: 0 });
      }
      if (!registered && config.LIVECHAT_CHAT_WEBHOOK_SECRET) {
        await services.relay.chatWebhooks(o.id, 'register');
        registered = true;
      }
    } catch (err) {
      log.warn(
        { organizationId: o.id, err: err instanceof Error ? err.message : String(err) },
        'could not seed WhatsApp chats in LiveChat',
      );
    }
  }
  if (!registered) log.warn('chat webhooks not registered: set LIVECHAT_CHAT_WEBHOOK_SECRET');
}
