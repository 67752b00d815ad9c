import type { RouteSpec } from './route-spec.ts';
import * as relay from '../relay.ts';

export const relayRoutes: RouteSpec[] = [
  // ---- WhatsApp chats in LiveChat ----
  {
    method: 'get',
    path: '/api/relay',
    summary: 'WhatsApp chats in LiveChat: the LiveChat authorization and, per number, relay on/off, group, status and last failure',
    auth: 'manager',
    response: relay.RelayStatusSchema,
  },
  {
    method: 'get',
    path: '/api/relay/groups',
    summary: "LiveChat groups a number's chats may go to (needs the LiveChat authorization)",
    auth: 'manager',
    response: relay.RelayGroupsResponseSchema,
  },
  {
    method: 'post',
    path: '/api/relay/authorization',
    summary: "Connect (or reconnect) LiveChat: exchange the authorization code, keep the refresh token sealed, create the app's bot",
    auth: 'manager',
    body: relay.RelayAuthorizationRequestSchema,
    response: relay.RelayStatusSchema,
  },
  {
    method: 'put',
    path: '/api/relay/numbers/{numberId}',
    summary: 'Turn the relay on or off for a number and pick its LiveChat group',
    auth: 'manager',
    params: relay.RelayNumberParamsSchema,
    body: relay.RelayNumberRequestSchema,
    response: relay.RelayNumberSchema,
  },
  {
    method: 'get',
    path: '/api/relay/chats/{chatId}',
    summary: 'Which WhatsApp customer and business number a LiveChat chat belongs to (404 when it is not a relayed chat)',
    auth: 'member',
    params: relay.RelayChatParamsSchema,
    response: relay.RelayChatSchema,
  },
  {
    method: 'get',
    path: '/ops/livechat-webhooks',
    summary: "The application's chat webhooks, as LiveChat lists them (through a connected business's authorization)",
    auth: 'operator',
    query: relay.OpsChatWebhooksQuerySchema,
    response: relay.OpsChatWebhooksResponseSchema,
  },
  {
    method: 'post',
    path: '/ops/livechat-webhooks/register',
    summary: 'Register the chat webhooks the relay needs (once per Client ID; idempotent)',
    auth: 'operator',
    body: relay.OpsChatWebhooksRequestSchema,
    response: relay.OpsChatWebhooksResponseSchema,
  },
  {
    method: 'post',
    path: '/ops/livechat-webhooks/unregister',
    summary: "Unregister the relay's chat webhooks that point at this BFF",
    auth: 'operator',
    body: relay.OpsChatWebhooksRequestSchema,
    response: relay.OpsChatWebhooksResponseSchema,
  },
];
