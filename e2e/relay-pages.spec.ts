import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { incomingFor, openPhone, openRelayTab, PNG, shot, startChatAsCustomer } from './relay-support';
import { acme, apiAs, openSidebar, freshCustomer } from './support';

/**
 * Where the relay is seen from: the sandbox's phone page (the customer's WhatsApp), the agent app's LiveChat chats,
 * and the fullscreen app's "WhatsApp chats" tab where an owner connects it.
 */

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

    await openSidebar(page, agent);
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
