import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { acme, apiAs, freshCustomer, fullscreenFrame, openApp, sandbox, sidebarWithFreshCustomer, signIn } from './support';

/** L.11a–d: an owner acts on a customer's rights from the fullscreen app's "Customer data" tab. */

type Api = Awaited<ReturnType<typeof apiAs>>;

/** A real send through the BFF to Kaleyra's stand-in, as the sidebar does it. */
const sendLoginCode = (api: Api, to: string) =>
  api.call('/api/messages', {
    numberId: api.numberId,
    to,
    clientRef: crypto.randomUUID(),
    kind: 'template',
    templateName: 'login_code',
    language: 'en_US',
    variables: ['123456'],
  });

/** The sidebar's view of a customer: their window and opt-out. */
const statusOf = (api: Api, to: string) => `/api/conversations/status?numberId=${api.numberId}&to=${encodeURIComponent(to)}`;

const atKaleyra = async (to: string) =>
  (await sandbox<{ messages: unknown[] }>(`/sandbox/kaleyra/messages?to=${encodeURIComponent(to)}`)).messages.length;

/** The left-nav app icon, sign in as the owner, the Customer data tab. */
async function openCustomerData(page: Page, owner: string): Promise<FrameLocator> {
  const app = await openApp(page, owner);
  await app.getByTestId('tab-privacy').click();
  await expect(app.getByTestId('privacy-page')).toBeVisible();
  return app;
}

async function lookUp(app: FrameLocator, typed: string) {
  await app.getByTestId('privacy-phone').fill(typed);
  await app.getByTestId('privacy-lookup').click();
  await expect(app.getByTestId('privacy-result')).toBeVisible();
}

test.describe("a customer's rights over their number", () => {
  test("L.11a: the owner looks up a customer's number and sees what is held", async ({ page, browser }) => {
    const { org, owner, number, agent: agentEmail } = await acme();
    const customer = freshCustomer();
    const agent = await apiAs(org, 'agent');
    expect((await sendLoginCode(agent, customer.e164)).status).toBe(201);
    // The customer answers: an incoming message and an open customer window.
    await sandbox('/sandbox/kaleyra/incoming', { to: number, from: customer.e164, body: 'Thanks, got it' });
    await expect.poll(async () => (await agent.call(statusOf(agent, customer.e164))).body.customerWindow.open).toBe(true);

    const app = await openCustomerData(page, owner);
    // A number without its country code is refused in words, before anything is asked of the server.
    await app.getByTestId('privacy-phone').fill(customer.e164.slice(3));
    await app.getByTestId('privacy-lookup').click();
    await expect(app.getByText('Add the country code, e.g. +44')).toBeVisible();
    await expect(app.getByTestId('privacy-result')).toHaveCount(0);

    // Typed the way people write it, with spaces.
    await lookUp(app, customer.display);
    await expect(app.getByTestId('privacy-fact-messages')).toContainText('2 messages');
    await expect(app.getByTestId('privacy-fact-messages')).toContainText('1 sent to them, 1 from them');
    await expect(app.getByTestId('privacy-fact-messages')).toContainText('login_code');
    await expect(app.getByTestId('privacy-fact-conversations')).toContainText('1 conversation');
    await expect(app.getByTestId('privacy-fact-conversations')).toContainText('By kind: 1 authentication');
    await expect(app.getByTestId('privacy-fact-window')).not.toContainText('Never');
    await expect(app.getByTestId('privacy-fact-campaigns')).toContainText('None');
    await expect(app.getByTestId('privacy-opt-out')).toHaveText('Not opted out.');
    await expect(app.getByTestId('privacy-restriction')).toHaveText('Not restricted.');
    await expect(app.getByTestId('privacy-storage')).toContainText('under the phone number');
    await expect(app.getByTestId('privacy-can-message')).toContainText('can message this number');
    await app.getByTestId('privacy-message-history').locator('summary').click();
    await expect(app.getByTestId('privacy-message-history')).toContainText('From the customer');
    await expect(app.getByTestId('privacy-message-history')).toContainText('Template login_code');
    await page.screenshot({ path: 'e2e/screenshots/privacy-lookup.png' });

    // A number nobody messaged: nothing is held, and there is nothing to erase.
    await lookUp(app, freshCustomer().e164);
    await expect(app.getByTestId('privacy-nothing-held')).toContainText('Nothing is held about this number');
    await expect(app.getByTestId('privacy-erase')).toBeDisabled();
    await page.screenshot({ path: 'e2e/screenshots/privacy-nothing-held.png' });

    // Agents may not look numbers up: the tab says who can, and the BFF refuses.
    const refused = await agent.call(`/api/privacy/recipients?phone=${encodeURIComponent(customer.e164)}`);
    expect(refused.status).toBe(403);
    const agentContext = await browser.newContext();
    const agentPage = await agentContext.newPage();
    const agentApp = await openApp(agentPage, agentEmail);
    await agentApp.getByTestId('tab-privacy').click();
    await expect(agentApp.getByTestId('privacy-managers-only')).toContainText('Only the owner or an administrator');
    await expect(agentApp.getByTestId('privacy-phone')).toHaveCount(0);
    await agentContext.close();
  });

  test('L.11c: restricting a number keeps the reason and the sidebar refuses to send', async ({ page }) => {
    const { org, agent: agentEmail, owner } = await acme();
    // The agent really sends first, from the chat sidebar.
    const { frame: sidebar, customer } = await sidebarWithFreshCustomer(page, agentEmail);
    await sidebar.getByTestId('template-select').selectOption({ label: 'login_code' });
    await sidebar.getByTestId('template-var-1').fill('123456');
    await sidebar.getByTestId('send-button').click();
    await expect(sidebar.getByTestId('send-success')).toBeVisible();

    // The customer asks the business to stop using their data. The owner restricts processing.
    await page.getByTestId('nav-app-whatsapp').click();
    const app = fullscreenFrame(page);
    await signIn(page, app, owner);
    await app.getByTestId('tab-privacy').click();
    await lookUp(app, customer.e164);
    await expect(app.getByTestId('privacy-fact-messages')).toContainText('1 message');
    await app.getByTestId('privacy-restrict').click();
    const dialog = app.getByTestId('privacy-dialog-restrict');
    await expect(dialog).toContainText('Nothing will be sent to this number any more');
    // The reason is required.
    await app.getByTestId('privacy-dialog-confirm').click();
    await expect(dialog).toContainText('Give a reason');
    const reason = 'Customer disputes the accuracy of their data (email of 25 Nov)';
    await app.getByTestId('privacy-dialog-reason').fill(reason);
    await page.screenshot({ path: 'e2e/screenshots/privacy-restrict-dialog.png' });
    await app.getByTestId('privacy-dialog-confirm').click();
    await expect(dialog).toBeHidden();
    await expect(app.getByTestId('privacy-action-done')).toContainText('is restricted');
    await expect(page.getByTestId('host-toast').filter({ hasText: 'is restricted' })).toBeVisible();
    await expect(app.getByTestId('privacy-tag-restricted')).toBeVisible();
    await expect(app.getByTestId('privacy-restriction')).toContainText(`by you. Reason: ${reason}`);
    await expect(app.getByTestId('privacy-can-message')).toContainText('until the restriction is lifted');
    await page.screenshot({ path: 'e2e/screenshots/privacy-restricted.png' });

    // The reason is kept, not only shown: a fresh lookup reads it back.
    const ownerApi = await apiAs(org, 'owner');
    const held = await ownerApi.call(`/api/privacy/recipients?phone=${encodeURIComponent(customer.e164)}`);
    expect(held.body.restriction).toMatchObject({ reason });

    // In the sidebar, the agent sees why and cannot send; nothing more reaches Kaleyra.
    await page.getByTestId('nav-chats').click();
    await expect(sidebar.getByTestId('restriction-status')).toContainText(reason, { timeout: 30_000 });
    await expect(sidebar.getByTestId('send-button')).toBeDisabled();
    await expect(sidebar.getByTestId('send-hint')).toContainText('restrict processing of their data, so nothing can be sent');
    await page.screenshot({ path: 'e2e/screenshots/privacy-restricted-sidebar.png' });
    expect(await atKaleyra(customer.e164)).toBe(1);
    const agent = await apiAs(org, 'agent');
    const refused = await sendLoginCode(agent, customer.e164);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('recipient_restricted');

    // Lifting the restriction lets agents send again.
    await page.getByTestId('nav-app-whatsapp').click();
    await app.getByTestId('privacy-unrestrict').click();
    await app.getByTestId('privacy-dialog-confirm').click();
    await expect(app.getByTestId('privacy-action-done')).toContainText('was lifted');
    await expect(app.getByTestId('privacy-restriction')).toHaveText('Not restricted.');
    expect((await sendLoginCode(agent, customer.e164)).status).toBe(201);
  });

  test('L.11d: withdrawing consent opts the number out', async ({ page }) => {
    const { org, owner } = await acme();
    const customer = freshCustomer();
    const agent = await apiAs(org, 'agent');
    expect((await sendLoginCode(agent, customer.e164)).status).toBe(201);

    const app = await openCustomerData(page, owner);
    await lookUp(app, customer.e164);
    await app.getByTestId('privacy-withdraw-consent').click();
    const dialog = app.getByTestId('privacy-dialog-withdraw-consent');
    await expect(dialog).toContainText('added to your suppression list');
    await app.getByTestId('privacy-dialog-reason').fill('Asked by phone on 25 Nov');
    await app.getByTestId('privacy-dialog-confirm').click();
    await expect(dialog).toBeHidden();
    await expect(app.getByTestId('privacy-action-done')).toContainText('consent withdrawn');
    await expect(app.getByTestId('privacy-opt-out')).toContainText('they withdrew their consent. Reason: Asked by phone on 25 Nov');
    await expect(app.getByTestId('privacy-tag-opted-out')).toBeVisible();
    await expect(app.getByTestId('privacy-withdraw-consent')).toBeDisabled();
    await page.screenshot({ path: 'e2e/screenshots/privacy-consent-withdrawn.png' });

    // It is an opt-out like any other: on the suppression list, and sends are refused.
    await app.getByTestId('tab-opt-outs').click();
    await app.getByTestId('opt-out-search').fill(customer.e164.slice(-8));
    await expect(app.getByTestId(`opt-out-row-${customer.e164}`)).toContainText('Withdrew consent');
    await expect(app.getByTestId(`opt-out-row-${customer.e164}`)).toContainText('Asked by phone on 25 Nov');
    const refused = await sendLoginCode(agent, customer.e164);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('opted_out');
    expect(await atKaleyra(customer.e164)).toBe(1);
  });

  test('L.11b: erasing a number replaces it by a hash; the opt-out stays in force', async ({ page }) => {
    const { org, owner, number } = await acme();
    const customer = freshCustomer();
    const agent = await apiAs(org, 'agent');
    expect((await sendLoginCode(agent, customer.e164)).status).toBe(201);
    // The customer replies STOP, then asks to be forgotten.
    await sandbox('/sandbox/kaleyra/incoming', { to: number, from: customer.e164, body: 'STOP' });
    await expect.poll(async () => (await agent.call(statusOf(agent, customer.e164))).body.optOut).not.toBeNull();
    const balanceBefore = (await agent.call('/api/balance')).body.remaining as number;

    const app = await openCustomerData(page, owner);
    await lookUp(app, customer.e164);
    await expect(app.getByTestId('privacy-opt-out')).toContainText('they replied STOP');
    await app.getByTestId('privacy-erase').click();
    const dialog = app.getByTestId('privacy-dialog-erase');
    await expect(dialog).toContainText('This cannot be undone.');
    await expect(dialog).toContainText('replaced by a keyed hash');
    await expect(dialog).toContainText('that stays in force');
    await expect(dialog).toContainText('Your conversation balance and bills do not change.');
    await page.screenshot({ path: 'e2e/screenshots/privacy-erase-dialog.png' });
    await app.getByTestId('privacy-dialog-confirm').click();
    await expect(dialog).toBeHidden();
    await expect(app.getByTestId('privacy-action-done')).toContainText('was erased');

    // What is held now sits under the hash: still found by typing the number, marked erased, opt-out kept.
    await expect(app.getByTestId('privacy-tag-erased')).toBeVisible();
    await expect(app.getByTestId('privacy-storage')).toContainText('replaced by a keyed hash');
    await expect(app.getByTestId('privacy-fact-messages')).toContainText('2 messages');
    await expect(app.getByTestId('privacy-opt-out')).toContainText('they replied STOP');
    await expect(app.getByTestId('privacy-tag-opted-out')).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/privacy-erased.png' });
    await app.getByTestId('privacy-storage').scrollIntoViewIfNeeded();
    await expect(app.getByTestId('privacy-can-message')).toContainText('suppression list');
    await page.screenshot({ path: 'e2e/screenshots/privacy-erased-status.png' });

    // The number itself is gone from the records the rest of the app reads.
    expect((await agent.call(`/api/messages?to=${encodeURIComponent(customer.e164)}`)).body.messages).toEqual([]);
    const ownerApi = await apiAs(org, 'owner');
    const list = await ownerApi.call(`/api/opt-outs?q=${customer.e164.slice(-8)}&offset=0&limit=25`);
    expect(list.status).toBe(200);
    expect(list.body.optOuts.map((o: { recipient: string }) => o.recipient)).not.toContain(customer.e164);
    const held = await ownerApi.call(`/api/privacy/recipients?phone=${encodeURIComponent(customer.e164)}`);
    expect(held.body).toMatchObject({ erased: true, optOut: { source: 'keyword' } });

    // The opt-out stays in force, and the balance did not move.
    const refused = await sendLoginCode(agent, customer.e164);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('opted_out');
    expect(await atKaleyra(customer.e164)).toBe(1);
    expect((await agent.call('/api/balance')).body.remaining).toBe(balanceBefore);
  });
});
