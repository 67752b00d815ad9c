import { expect, test } from '@playwright/test';
import { customerStartsChat, PNG, shot } from './relay-support';
import { detailsFrame, sandbox } from './support';

/**
 * WhatsApp chats in LiveChat: the customer writes on the phone page, the agent answers in the chat, and what
 * WhatsApp refuses comes back as an agents-only note.
 */

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
