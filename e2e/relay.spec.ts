import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { acme, apiAs, BFF, detailsFrame, freshCustomer, fullscreenFrame, sandbox, SANDBOX, signIn } from './support';

/**
 * WhatsApp conversations as LiveChat chats, through the sandbox's phone page (the customer) and host page (the agent
 * app): every customer action is Kaleyra's real incoming webhook, every agent action the Agent Chat API.
 */

const SHOTS = process.env.RELAY_SHOTS_DIR;
async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGNkYPjPQApgHFUwqmBYKQAAt4wPEW8wS4gAAAAASUVORK5CYII=',
  'base64',
);

async function openPhone(page: Page, business: string, customer: string, name = 'Ana Silva') {
  await page.goto(`/phone?${new URLSearchParams({ business, customer, name })}`);
  await expect(page.getByTestId('phone-business')).toHaveValue(business);
}

/** What Kaleyra delivered to the app's incoming URL for this customer, newest last. */
async function incomingFor(customer: string) {
  const { callbacks } = await sandbox<{ callbacks: { kind: string; delivered: boolean; http_status: number | null; payload: any }[] }>(
    '/sandbox/kaleyra/callbacks',
  );
  const digits = customer.replace(/\D/g, '');
  return callbacks.filter(
    (c) => c.kind === 'incoming' && (c.payload?.from === digits || c.payload?.meta_object?.value?.messages?.[0]?.from === digits),
  );
}

/** A chat started the way an integration starts one: the agent-token grant, then the Customer Chat API. */
async function startChatAsCustomer(organizationId: string, name: string, text: string) {
  const { access_token: agentToken, client_id: clientId } = await sandbox<{ access_token: string; client_id: string }>('/sandbox/tokens', {
    organization: organizationId,
    role: 'owner',
  });
  const grant = await fetch(`${SANDBOX}/v2/customer/token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'agent_token', client_id: clientId, response_type: 'token' }),
  }).then((r) => r.json() as Promise<{ access_token: string; entity_id: string }>);
  const customerApi = async (action: string, body: unknown) => {
    const res = await fetch(`${SANDBOX}/v3.6/customer/action/${action}?organization_id=${organizationId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${grant.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.ok, `${action} → ${res.status}`).toBe(true);
    return res.json() as Promise<any>;
  };
  await customerApi('update_customer', { name, session_fields: [{ whatsapp: '+48555000111' }] });
  const started = await customerApi('start_chat', {
    chat: { access: { group_ids: [1] }, thread: { events: [{ type: 'message', text }] } },
    continuous: true,
  });
  const agentApi = async (action: string, body: unknown) => {
    const res = await fetch(`${SANDBOX}/v3.6/agent/action/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.ok, `${action} → ${res.status}`).toBe(true);
    return res.json() as Promise<any>;
  };
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
async function customerStartsChat(page: Page, phone: Page, name: string, text: string, sentAt?: Date) {
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

  await page.goto('/');
  await signIn(page, detailsFrame(page), agent);
  const item = page.getByTestId('live-chat-list').locator('[data-testid^="live-chat-"]').filter({ hasText: name });
  await expect(item).toBeVisible({ timeout: 20_000 });
  await item.click();
  return { customer, number };
}

async function openRelayTab(page: Page, email: string) {
  await page.goto('/');
  await page.getByTestId('nav-app-whatsapp').click();
  const app = fullscreenFrame(page);
  await signIn(page, app, email);
  await app.getByTestId('tab-relay').click();
  return app;
}

test.describe('the sandbox phone page', () => {
  test('the customer writes, sends a PDF, reacts to and replies to a template, each as Kaleyra’s incoming webhook', async ({ page }) => {
    const { org, number } = await acme();
    const customer = freshCustomer().e164;
    // The business writes first: a rich template with a header and quick-reply buttons.
    const { call, numberId } = await apiAs(org, 'agent');
    const sent = await call('/api/messages', {
      kind: 'template',
      numberId,
      to: customer,
      clientRef: randomUUID(),
      templateName: 'order_shipped',
      language: 'en_US',
      variables: ['Ana', '#A-7', 'Friday'],
    });
    expect(sent.status).toBe(201);

    await openPhone(page, number, customer);
    const template = page.getByTestId('phone-received').filter({ hasText: 'your order #A-7 has shipped' });
    await expect(template).toBeVisible();
    await expect(template.getByText('Order update')).toBeVisible();
    await expect(template.getByTestId('phone-quick-reply')).toHaveText(['Track', 'Stop']);

    await page.getByTestId('phone-text').fill('Hello, where is my parcel?');
    await page.getByTestId('phone-send').click();
    await expect(page.getByTestId('phone-sent').filter({ hasText: 'where is my parcel' })).toBeVisible();

    await page.getByTestId('phone-attach').click();
    await page.getByTestId('phone-send-pdf').click();
    await expect(page.getByTestId('phone-sent').getByTestId('phone-document')).toContainText('invoice.pdf');

    await template.getByTestId('phone-react-👍').click();
    await expect(template.getByTestId('phone-reaction')).toHaveText('👍');

    await template.getByTestId('phone-reply').click();
    await expect(page.getByTestId('phone-reply-bar')).toContainText('your order #A-7');
    await page.getByTestId('phone-text').fill('Friday is fine');
    await page.getByTestId('phone-text').press('Enter');
    await expect(page.getByTestId('phone-sent').filter({ hasText: 'Friday is fine' }).getByTestId('phone-quote')).toContainText('#A-7');

    await template.getByTestId('phone-quick-reply').filter({ hasText: 'Track' }).click();
    await expect(page.getByTestId('phone-sent').filter({ hasText: 'Track' })).toBeVisible();
    await shot(page, 'phone');

    await expect.poll(async () => (await incomingFor(customer)).length).toBe(5);
    const deliveries = await incomingFor(customer);
    const messages = deliveries.map((d) => d.payload.meta_object.value.messages[0]);
    expect(messages.map((m: { type: string }) => m.type)).toEqual(['text', 'document', 'reaction', 'text', 'button']);
    expect(messages[2].reaction.message_id).toBe(messages[3].context.id);
    expect(messages[4]).toMatchObject({ button: { text: 'Track' } });
    // The app accepted every one of them (2xx); the phone would show a red "!" otherwise.
    expect(deliveries.map((d) => d.delivered)).toEqual([true, true, true, true, true]);
    await expect(page.getByTestId('phone-sent').locator('.ph-ticks--failed')).toHaveCount(0);
  });
});

test.describe('the agent app’s LiveChat chats', () => {
  test('transcript with notes, files and ticks; the agent replies, attaches and archives through the Agent Chat API', async ({ page }) => {
    const { org, agent } = await acme();
    const name = `E2E Customer ${Math.floor(Math.random() * 1e6)}`;
    const chat = await startChatAsCustomer(org.id, name, 'Hi, is my order on its way?');

    await page.goto('/');
    await signIn(page, detailsFrame(page), agent);
    const item = page.getByTestId(`live-chat-${chat.chatId}`);
    await expect(item).toContainText(name);
    await item.click();
    await expect(page.getByTestId('chat-title')).toHaveText(name);
    const transcript = page.getByTestId('transcript');
    await expect(transcript.locator('[data-author="customer"]')).toContainText('Hi, is my order on its way?');
    await expect(page.getByTestId('live-session-fields')).toContainText('whatsapp: +48555000111');

    // Selecting the chat tells the sidebar which chat it is, as the agent app's customer_profile does.
    await expect
      .poll(() =>
        page.evaluate(
          (id) =>
            (window as unknown as { __sandboxHost: { log: { direction: string; name: string; data: unknown }[] } }).__sandboxHost.log.some(
              (e) => e.direction === 'out' && e.name === 'customer_profile' && (e.data as { chat?: { id?: string } }).chat?.id === id,
            ),
          chat.chatId,
        ),
      )
      .toBe(true);

    await page.getByTestId('message-box').fill('Yes, it ships today.');
    await page.getByTestId('send-message').click();
    const reply = transcript.locator('[data-author="agent"]').filter({ hasText: 'it ships today' });
    await expect(reply.getByTestId('tick')).toHaveAttribute('data-status', 'sent');
    const eventId = await reply.getAttribute('data-event-id');

    // The integration marks the reply delivered, then the customer's read receipt arrives.
    await chat.customerApi('update_event_properties', {
      chat_id: chat.chatId,
      thread_id: chat.threadId,
      event_id: eventId,
      properties: { status: { delivered: true } },
    });
    await expect(reply.getByTestId('tick')).toHaveAttribute('data-status', 'delivered');
    await chat.customerApi('mark_events_as_seen', { chat_id: chat.chatId, seen_up_to: new Date(Date.now() + 1000).toISOString() });
    await expect(reply.getByTestId('tick')).toHaveAttribute('data-status', 'seen');

    await chat.agentApi('send_event', {
      chat_id: chat.chatId,
      event: { type: 'message', text: 'Not sent: the customer’s 24-hour window is closed.', visibility: 'agents' },
    });
    await expect(transcript.locator('[data-visibility="agents"]')).toContainText('24-hour window is closed');
    await expect(transcript.locator('.lc-note')).toHaveCount(1);

    await page.getByTestId('composer-file').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: PNG });
    const file = transcript.locator('[data-type="file"]');
    await expect(file.locator('img')).toHaveAttribute('src', /\/cdn\/api\/file\/lc\/att\/10001\/.+\/label\.png$/);
    await shot(page, 'host-chats');

    await page.getByTestId('archive-chat').click();
    await expect(page.getByTestId('chat-state')).toHaveText('Archived chat');
    await expect(page.getByTestId('thread-archived')).toBeVisible();
    await expect(page.getByTestId('archive-chat')).toBeDisabled();
    await expect(page.getByTestId('composer-error')).toBeHidden();
  });
});

test.describe('WhatsApp chats in LiveChat', () => {
  test('the customer writes on WhatsApp, the agent answers in the chat, and the sidebar knows the customer', async ({ page, context }) => {
    const phone = await context.newPage();
    const { customer } = await customerStartsChat(page, phone, 'Rosa Relay', 'Hi! Do you have size 42?');
    const transcript = page.getByTestId('transcript');
    await expect(transcript.locator('[data-author="customer"]')).toContainText('Do you have size 42?');

    // The sidebar recognises the WhatsApp customer of the open chat, with nothing to type.
    const shown = detailsFrame(page).getByTestId('relay-chat-customer');
    await expect.poll(async () => (await shown.textContent())?.replace(/\D/g, '')).toBe(customer.replace(/\D/g, ''));

    await page.getByTestId('message-box').fill('We do, in black and white.');
    await page.getByTestId('send-message').click();
    await expect(phone.getByTestId('phone-received').filter({ hasText: 'in black and white' })).toBeVisible({ timeout: 20_000 });
    const reply = transcript.locator('[data-author="agent"]').filter({ hasText: 'in black and white' });
    await expect(reply.getByTestId('tick')).toHaveAttribute('data-status', 'seen', { timeout: 20_000 });

    // An agents-only note from the composer stays in LiveChat.
    await page.getByTestId('composer-tab-note').click();
    await page.getByTestId('message-box').fill('Internal: check the stock in Krakow');
    await page.getByTestId('send-message').click();
    await expect(transcript.locator('[data-visibility="agents"]')).toContainText('check the stock');
    await page.getByTestId('composer-tab-message').click();

    // Archived, then the customer writes again: the chat resumes in a new thread.
    await page.getByTestId('archive-chat').click();
    await expect(page.getByTestId('chat-state')).toHaveText('Archived chat');
    await phone.getByTestId('phone-text').fill('One more question');
    await phone.getByTestId('phone-send').click();
    await expect(page.getByTestId('chat-state')).toHaveText('Ongoing chat', { timeout: 20_000 });
    await expect(page.getByTestId('thread-start')).toHaveCount(2);
    await expect(transcript.locator('[data-author="customer"]').last()).toContainText('One more question');
    await expect(phone.getByTestId('phone-received').filter({ hasText: 'check the stock' })).toHaveCount(0);
    await shot(page, 'host-relay-chat');
    await shot(phone, 'phone-relay');
  });

  test('STOP: the customer opts out, an agents-only note says so, and a later reply never reaches the phone', async ({ page, context }) => {
    const phone = await context.newPage();
    await customerStartsChat(page, phone, 'Otto Optout', 'Hello');
    await phone.getByTestId('phone-text').fill('STOP');
    await phone.getByTestId('phone-send').click();
    const notes = page.getByTestId('transcript').locator('[data-visibility="agents"]');
    await expect(notes.first()).toContainText(/opted out/i, { timeout: 20_000 });

    await page.getByTestId('message-box').fill('Are you sure?');
    await page.getByTestId('send-message').click();
    await expect(page.getByTestId('transcript').locator('[data-author="agent"]')).toContainText('Are you sure?');
    await expect(notes).toHaveCount(2, { timeout: 20_000 });
    await expect(notes.last()).toContainText(/opted out|not sent/i);
    await expect(phone.getByTestId('phone-received')).toHaveCount(0);
  });
});

test.describe('WhatsApp chats in LiveChat: files and refusals', () => {
  test('the agent attaches an image and the phone shows it; the customer sends a PDF and the chat shows the file', async ({
    page,
    context,
  }) => {
    const phone = await context.newPage();
    await customerStartsChat(page, phone, 'Fiona Files', 'Can I see the blue one?');
    const transcript = page.getByTestId('transcript');

    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('attach-file').click();
    await (await chooser).setFiles({ name: 'blue-shoe.png', mimeType: 'image/png', buffer: PNG });
    await expect(transcript.locator('[data-author="agent"][data-type="file"] img')).toBeVisible();
    const image = phone.getByTestId('phone-received').getByTestId('phone-image');
    await expect(image).toBeVisible({ timeout: 20_000 });
    // Drawn from the bytes the phone received, not a broken link.
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(16);

    await phone.getByTestId('phone-attach').click();
    await phone.getByTestId('phone-send-pdf').click();
    const pdf = transcript.locator('[data-author="customer"][data-type="file"]');
    await expect(pdf).toContainText('invoice.pdf', { timeout: 20_000 });
    await expect(pdf.locator('a')).toHaveAttribute('href', /invoice\.pdf$/);
    await shot(page, 'host-relay-files');
    await shot(phone, 'phone-relay-files');
  });

  test('F: a customer who last wrote over 24 hours ago: the reply gets an agents-only note and nothing reaches the phone', async ({
    page,
    context,
  }) => {
    const phone = await context.newPage();
    const dayAndHourAgo = new Date(Date.now() - 25 * 3600_000);
    await customerStartsChat(page, phone, 'Walter Window', 'Is the shop open on Sunday?', dayAndHourAgo);
    const transcript = page.getByTestId('transcript');
    await expect(transcript.locator('[data-author="customer"]')).toContainText('open on Sunday');

    await page.getByTestId('message-box').fill('Yes, from 10 to 14.');
    await page.getByTestId('send-message').click();
    const notes = transcript.locator('[data-visibility="agents"]');
    await expect(notes).toHaveCount(1, { timeout: 20_000 });
    await expect(notes).toContainText('has not written in the last 24 hours');
    await expect(notes).toContainText('template');
    await expect(phone.getByTestId('phone-received')).toHaveCount(0);
    await shot(page, 'host-relay-window-closed');
  });

  test('a reply WhatsApp refuses after accepting it (131026) gets an agents-only note with the reason', async ({ page, context }) => {
    const phone = await context.newPage();
    const { number, customer } = await customerStartsChat(page, phone, 'Uma Undelivered', 'Where is my parcel?');
    await sandbox('/sandbox/kaleyra/fail-next', { mode: '131026', number, to: customer });

    await page.getByTestId('message-box').fill('It left the warehouse this morning.');
    await page.getByTestId('send-message').click();
    const notes = page.getByTestId('transcript').locator('[data-visibility="agents"]');
    await expect(notes).toHaveCount(1, { timeout: 20_000 });
    await expect(notes).toContainText('Not delivered on WhatsApp: WhatsApp could not deliver this message');
    await expect(phone.getByTestId('phone-received')).toHaveCount(0);
    await shot(page, 'host-relay-late-refusal');
  });
});

test.describe('the fullscreen app’s "WhatsApp chats" tab', () => {
  test('an owner connects LiveChat through the authorization-code popup', async ({ page }) => {
    const { owner } = await acme();
    const app = await openRelayTab(page, owner);
    const popupPromise = page.waitForEvent('popup');
    await app.getByTestId('relay-connect').click();
    const popup = await popupPromise;
    const closed = popup.waitForEvent('close');
    await popup.locator(`[data-account="${owner}"]`).click();
    await closed;
    await expect(app.getByTestId('relay-connection-status')).toHaveText('Connected');
    await expect(app.getByTestId('relay-group').first()).not.toBeDisabled();
  });

  test('an owner sees the connection and the numbers; the tab passes axe in both themes', async ({ page }) => {
    const { owner } = await acme();
    for (const theme of ['light', 'dark'] as const) {
      await page.addInitScript((t) => localStorage.setItem('wa-sandbox-host-theme', t), theme);
      const app = await openRelayTab(page, owner);
      await expect(app.getByTestId('relay-connection-status')).toBeVisible();
      await expect(app.getByTestId('relay-number').first()).toBeVisible();
      const results = await new AxeBuilder({ page }).include('iframe[src*="/widget/fullscreen.html"]').analyze();
      const failing = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order');
      expect(failing.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await shot(page, `widget-relay-${theme}`);
    }
  });
});
