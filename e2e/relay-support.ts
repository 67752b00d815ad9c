import { mkdirSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { acme, BFF, freshCustomer, openApp, openSidebar, sandbox, SANDBOX } from './support';

/**
 * Helpers of the relay specs: WhatsApp conversations as LiveChat chats, through the sandbox's phone page (the
 * customer) and host page (the agent app). Every customer action is Kaleyra's real incoming webhook, every agent
 * action the Agent Chat API.
 */

const SHOTS = process.env.RELAY_SHOTS_DIR;

/** Saves a picture of the page when RELAY_SHOTS_DIR names where. */
export async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** A 16×16 PNG, as a file an agent or a customer attaches. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGNkYPjPQApgHFUwqmBYKQAAt4wPEW8wS4gAAAAASUVORK5CYII=',
  'base64',
);

/** The sandbox's phone page: the customer's WhatsApp, talking to `business`. */
export async function openPhone(page: Page, business: string, customer: string, name = 'Ana Silva') {
  await page.goto(`/phone?${new URLSearchParams({ business, customer, name })}`);
  await expect(page.getByTestId('phone-business')).toHaveValue(business);
}

/** What Kaleyra delivered to the app's incoming URL for this customer, newest last. */
export async function incomingFor(customer: string) {
  const { callbacks } = await sandbox<{ callbacks: { kind: string; delivered: boolean; http_status: number | null; payload: any }[] }>(
    '/sandbox/kaleyra/callbacks',
  );
  const digits = customer.replace(/\D/g, '');
  return callbacks.filter(
    (c) => c.kind === 'incoming' && (c.payload?.from === digits || c.payload?.meta_object?.value?.messages?.[0]?.from === digits),
  );
}

/** A LiveChat API call with a bearer token, which must succeed. */
async function postAs(token: string, url: string, body: unknown, what: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok, `${what} → ${res.status}`).toBe(true);
  return res.json() as Promise<any>;
}

/** A chat started the way an integration starts one: the agent-token grant, then the Customer Chat API. */
export async function startChatAsCustomer(organizationId: string, name: string, text: string) {
  const { access_token: agentToken, client_id: clientId } = await sandbox<{ access_token: string; client_id: string }>('/sandbox/tokens', {
    organization: organizationId,
    role: 'owner',
  });
  const grant = await fetch(`${SANDBOX}/v2/customer/token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'agent_token', client_id: clientId, response_type: 'token' }),
  }).then((r) => r.json() as Promise<{ access_token: string; entity_id: string }>);
  const customerApi = (action: string, body: unknown) =>
    postAs(grant.access_token, `${SANDBOX}/v3.6/customer/action/${action}?organization_id=${organizationId}`, body, action);
  await customerApi('update_customer', { name, session_fields: [{ whatsapp: '+48555000111' }] });
  const started = await customerApi('start_chat', {
    chat: { access: { group_ids: [1] }, thread: { events: [{ type: 'message', text }] } },
    continuous: true,
  });
  const agentApi = (action: string, body: unknown) => postAs(agentToken, `${SANDBOX}/v3.6/agent/action/${action}`, body, action);
  return { chatId: started.chat_id as string, threadId: started.thread_id as string, customerApi, agentApi };
}

/**
 * Makes sure the business has LiveChat connected and its first number relayed to the "WhatsApp" group (the dev
 * seed does the same; doing it here keeps the tests independent of the seed).
 */
async function ensureRelayOn(org: Awaited<ReturnType<typeof acme>>['org'], ownerEmail: string) {
  const { access_token: token } = await sandbox<{ access_token: string }>('/sandbox/tokens', { organization: org.id, role: 'owner' });
  const bff = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${BFF}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(res.ok, `${method} ${path} → ${res.status}`).toBe(true);
    return (await res.json()) as any;
  };
  let status = await bff('GET', '/api/relay');
  if (!status.authorization.connected) {
    const redirectUri = `${BFF}/relay-e2e`;
    const { code } = await sandbox<{ code: string }>('/sandbox/oauth/grant', {
      email: ownerEmail,
      response_type: 'code',
      redirect_uri: redirectUri,
    });
    status = await bff('POST', '/api/relay/authorization', { code, redirectUri });
  }
  const first = status.numbers[0];
  if (!first.enabled) await bff('PUT', `/api/relay/numbers/${first.numberId}`, { enabled: true, groupId: 1 });
}

/**
 * The customer writes first on the phone; the agent signs in and opens the chat that appears for them. With `sentAt`,
 * the message arrives late, carrying the time the customer wrote it, as Kaleyra delivers a delayed message.
 */
export async function customerStartsChat(page: Page, phone: Page, name: string, text: string, sentAt?: Date) {
  const { org, agent, owner, number } = await acme();
  await ensureRelayOn(org, owner);
  const customer = freshCustomer().e164;
  if (sentAt) {
    await sandbox('/sandbox/phone/messages', { kind: 'text', business: number, customer, name, text, sent_at: sentAt.toISOString() });
    await openPhone(phone, number, customer, name);
  } else {
    await openPhone(phone, number, customer, name);
    await phone.getByTestId('phone-text').fill(text);
    await phone.getByTestId('phone-send').click();
  }

  await openSidebar(page, agent);
  const item = page.getByTestId('live-chat-list').locator('[data-testid^="live-chat-"]').filter({ hasText: name });
  await expect(item).toBeVisible({ timeout: 20_000 });
  await item.click();
  return { customer, number };
}

/** The fullscreen app's "WhatsApp chats" tab, signed in. */
export async function openRelayTab(page: Page, email: string) {
  const app = await openApp(page, email);
  await app.getByTestId('tab-relay').click();
  return app;
}
