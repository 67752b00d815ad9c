import { z } from 'zod';
import { E164Schema } from './identity.ts';
import { id, isoDate, namedObject } from './schema-builders.ts';

/**
 * WhatsApp chats in LiveChat: the relay between a number's WhatsApp customers and LiveChat chats.
 *
 * Setup (owners and admins; everyone else gets 403 `forbidden`):
 * - `GET /api/relay` → `RelayStatus`: whether the business's LiveChat authorization is connected
 *   (`authorization.status`: `not_connected` | `connected` | `reconnect_needed`), and per WhatsApp number whether
 *   the relay is on, its LiveChat group, its `status` (`off` | `active` | `reconnect_needed`) and the last failure
 *   that was not relayed (`lastFailure`, null when none).
 * - `POST /api/relay/authorization {code, redirectUri}` → `RelayStatus`: the authorization code from LiveChat's
 *   sign-in popup (`response_type=code`, the app's client id, scopes `customers:own chats--all:rw agents-bot--my:rw
 *   groups--all:ro webhooks.configuration:rw`). The BFF exchanges it with the client secret, keeps the refresh token
 *   sealed, and creates the app's bot for the business. Calling it again replaces the authorization (Reconnect).
 *   A refused code → 502 `upstream_refused`.
 * - `GET /api/relay/groups` → `{groups: [{id, name}]}`: the LiveChat groups a number's chats may go to. Needs the
 *   authorization (409 `conflict` otherwise).
 * - `PUT /api/relay/numbers/{numberId} {enabled, groupId}` → `RelayNumber`. Turning it on needs the authorization
 *   (409 `conflict`) and a group that exists (400 `validation_failed` on `groupId`).
 *
 * The sidebar (any signed-in member):
 * - `GET /api/relay/chats/{chatId}` → `RelayChat`: the WhatsApp customer and business number a LiveChat chat belongs
 *   to; 404 `not_found` when the chat is not a relayed WhatsApp chat of this organization.
 *
 * Operators (`pnpm ops livechat-webhooks …`): `GET /ops/livechat-webhooks?organizationId=`, `POST
 * /ops/livechat-webhooks/register {organizationId}`, `POST /ops/livechat-webhooks/unregister {organizationId}` →
 * `OpsChatWebhooks` (the application's chat webhooks, through that business's authorization).
 *
 * Bodies, captions, files and customer names are relayed in memory only; the BFF keeps ids, times and statuses.
 */

export const RelayNumberStatusSchema = z.enum(['off', 'active', 'reconnect_needed']);
export type RelayNumberStatus = z.infer<typeof RelayNumberStatusSchema>;

export const RelayFailureSchema = namedObject('RelayFailure', {
  at: isoDate,
  /** Which way the message was going. */
  direction: z.enum(['inbound', 'outbound']),
  /** Stable reason, e.g. `window_closed`, `opted_out`, `insufficient_balance`, `livechat_unavailable`. */
  code: z.string(),
  /** In words an owner understands. */
  summary: z.string(),
});
export type RelayFailure = z.infer<typeof RelayFailureSchema>;

export const RelayNumberSchema = namedObject('RelayNumber', {
  numberId: z.string(),
  number: E164Schema,
  displayName: z.string(),
  enabled: z.boolean(),
  /** LiveChat group that receives the number's chats; null before one was chosen. */
  groupId: z.number().int().nonnegative().nullable(),
  status: RelayNumberStatusSchema,
  lastFailure: RelayFailureSchema.nullable(),
});
export type RelayNumber = z.infer<typeof RelayNumberSchema>;

export const RelayAuthorizationStatusSchema = z.enum(['not_connected', 'connected', 'reconnect_needed']);
export type RelayAuthorizationStatus = z.infer<typeof RelayAuthorizationStatusSchema>;

export const RelayStatusSchema = namedObject('RelayStatus', {
  authorization: z.object({
    status: RelayAuthorizationStatusSchema,
    /** Convenience: `status === 'connected'`. */
    connected: z.boolean(),
    /** LiveChat account that signed in; null when not connected. */
    accountId: z.string().nullable(),
    connectedAt: isoDate.nullable(),
  }),
  numbers: z.array(RelayNumberSchema),
});
export type RelayStatus = z.infer<typeof RelayStatusSchema>;

export const RelayGroupSchema = namedObject('RelayGroup', { id: z.number().int().nonnegative(), name: z.string() });
export type RelayGroup = z.infer<typeof RelayGroupSchema>;
export const RelayGroupsResponseSchema = namedObject('RelayGroups', { groups: z.array(RelayGroupSchema) });
export type RelayGroupsResponse = z.infer<typeof RelayGroupsResponseSchema>;

export const RelayAuthorizationRequestSchema = namedObject('RelayAuthorizationRequest', {
  code: z.string().trim().min(1).max(2000),
  redirectUri: z.url().max(2000),
});
export type RelayAuthorizationRequest = z.infer<typeof RelayAuthorizationRequestSchema>;

export const RelayNumberParamsSchema = z.object({ numberId: id });

export const RelayNumberRequestSchema = z
  .object({
    enabled: z.boolean(),
    /** Required when `enabled`; kept when turning the relay off. */
    groupId: z.number().int().nonnegative().nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.enabled && (v.groupId === null || v.groupId === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'Pick the LiveChat group that receives the chats' });
    }
  })
  .meta({ id: 'RelayNumberRequest' });
export type RelayNumberRequest = z.infer<typeof RelayNumberRequestSchema>;

export const RelayChatParamsSchema = z.object({ chatId: id });

export const RelayChatSchema = namedObject('RelayChat', {
  chatId: z.string(),
  /** The WhatsApp customer's number. */
  customer: E164Schema,
  numberId: z.string(),
  /** The business's WhatsApp number the customer writes to. */
  number: E164Schema,
  /** False after the chat was archived (the customer's next message resumes it). */
  active: z.boolean(),
});
export type RelayChat = z.infer<typeof RelayChatSchema>;

// ---- operators: the application's chat webhooks ---------------------------------------------

/**
 * The chat webhooks belong to the application (one registration per Client ID). The BFF registers them with the
 * LiveChat authorization of a connected business (`organizationId`): its token is issued for the app's Client ID.
 */
export const OpsChatWebhooksRequestSchema = namedObject('OpsChatWebhooksRequest', { organizationId: id });
export type OpsChatWebhooksRequest = z.infer<typeof OpsChatWebhooksRequestSchema>;
export const OpsChatWebhooksQuerySchema = OpsChatWebhooksRequestSchema;

export const OpsChatWebhooksResponseSchema = namedObject('OpsChatWebhooks', {
  /** Where LiveChat delivers them: `${PUBLIC_BASE_URL}/webhooks/livechat-chat`. */
  url: z.string(),
  webhooks: z.array(z.object({ id: z.string(), action: z.string(), url: z.string() })),
  registered: z.array(z.string()),
  removed: z.array(z.string()),
});
export type OpsChatWebhooksResponse = z.infer<typeof OpsChatWebhooksResponseSchema>;
