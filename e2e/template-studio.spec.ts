import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { acme, openApp, sandbox, sidebarWithFreshCustomer } from './support';

// A 1×1 PNG: the sample image WhatsApp reviews.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

async function wabaOf(number: string): Promise<string> {
  const list = await sandbox<{ numbers: { number: string; waba_id: string }[] }>('/sandbox/kaleyra/numbers');
  return list.numbers.find((n) => n.number === number)!.waba_id;
}

async function openTemplates(page: Page, email: string): Promise<FrameLocator> {
  const app = await openApp(page, email);
  await app.getByTestId('tab-templates').click();
  await expect(app.getByTestId('template-studio')).toBeVisible();
  return app;
}

test.describe('template studio', () => {
  test('an owner builds a rich marketing template, WhatsApp approves it, an agent sends it with an image and a link', async ({
    page,
    browser,
  }) => {
    const { org, owner, agent, number } = await acme();
    const waba = await wabaOf(number);
    // Meta's review: the new template waits until the sandbox decides.
    await sandbox('/sandbox/kaleyra/templates/review-mode', { waba, mode: 'manual' });
    const name = `autumn_drop_${Date.now().toString(36)}`;

    const app = await openTemplates(page, owner);
    await page.screenshot({ path: 'e2e/screenshots/template-studio-list.png', fullPage: true });
    await app.getByTestId('tpl-new').click();
    const form = app.getByTestId('template-form');
    await form.getByTestId('tpl-name').fill('Autumn Drop');
    await expect(form.getByText(/Use only lowercase letters/)).toBeVisible();
    await form.getByTestId('tpl-name').fill(name);
    await form.getByTestId('tpl-header-image').click();
    await form.getByTestId('tpl-header-sample').setInputFiles({ name: 'autumn.png', mimeType: 'image/png', buffer: PNG });
    await expect(form.getByTestId('tpl-header-sample-ok')).toContainText('autumn.png');
    await form.getByTestId('tpl-body').fill('{{1}}, our autumn collection is here.');
    await expect(form.getByText(/cannot start with a variable/)).toBeVisible();
    await form.getByTestId('tpl-body').fill('Hi {{1}}, our autumn collection is here.');
    await form.getByTestId('tpl-sample-1').fill('Ann');
    await form.getByTestId('tpl-footer').fill('Acme Shoes');
    await form.getByTestId('tpl-add-quick-reply').click();
    await form.getByTestId('tpl-button-text-0').fill('Interested');
    await form.getByTestId('tpl-add-quick-reply').click();
    await form.getByTestId('tpl-button-text-1').fill('Stop');
    await form.getByTestId('tpl-add-url').click();
    await form.getByTestId('tpl-button-text-2').fill('Shop now');
    await form.getByTestId('tpl-button-url-2').fill('https://shop.acme.test/c/{{1}}');
    await form.getByTestId('tpl-button-sample-2').fill('autumn');
    // The preview follows, samples filled in.
    const preview = form.getByTestId('template-preview');
    await expect(preview).toContainText('Hi Ann, our autumn collection is here.');
    await expect(preview.getByTestId('template-preview-media').locator('img')).toBeVisible();
    await expect(preview.getByTestId('template-preview-button-2')).toContainText('Shop now');
    await page.screenshot({ path: 'e2e/screenshots/template-studio-form.png', fullPage: true });
    await form.getByTestId('tpl-submit').click();

    const row = app.getByTestId(`tpl-row-${name}-en_US`);
    await expect(row.getByTestId('tpl-status')).toHaveText('In review');
    await expect(app.getByTestId('tpl-flash')).toContainText('sent to WhatsApp for review');
    await sandbox(`/sandbox/kaleyra/templates/${waba}/${name}/status`, { status: 'APPROVED' });
    await app.getByTestId('tpl-sync').click();
    await expect(row.getByTestId('tpl-status')).toHaveText('Approved');
    await page.screenshot({ path: 'e2e/screenshots/template-studio-approved.png', fullPage: true });

    // The agent picks it in the sidebar and fills the variable, the image link and the link's ending.
    const agentPage = await browser.newPage();
    const { frame, customer } = await sidebarWithFreshCustomer(agentPage, agent);
    await frame.getByTestId('template-sync').click();
    await frame.getByTestId('template-select').selectOption({ label: name });
    await frame.getByTestId('template-var-1').fill('Maria');
    await frame.getByTestId('template-header-media').fill('https://cdn.acme.test/autumn-hero.png');
    await frame.getByTestId('template-button-value-2').fill('autumn-24');
    await expect(frame.getByTestId('template-preview')).toContainText('Hi Maria, our autumn collection is here.');
    await agentPage.screenshot({ path: 'e2e/screenshots/template-studio-sidebar.png', fullPage: true });
    await frame.getByTestId('send-button').click();
    await expect(frame.getByTestId('send-success')).toBeVisible();

    // The phone's record: the header image and the buttons.
    const sent = await sandbox<{ messages: any[] }>(`/sandbox/kaleyra/messages?to=${encodeURIComponent(customer.e164)}`);
    const msg = sent.messages.find((m) => m.template_name === name);
    expect(msg).toMatchObject({ params: ['Maria'], header: { type: 'image', link: 'https://cdn.acme.test/autumn-hero.png' } });
    expect(msg.buttons).toContainEqual({ index: 2, sub_type: 'url', value: 'autumn-24' });
    await agentPage.close();
    expect(org.id).toBeTruthy();
  });

  test('a rejected template shows WhatsApp’s reason, and "Edit and resubmit" pre-fills the form', async ({ page }) => {
    const { owner, number } = await acme();
    const waba = await wabaOf(number);
    await sandbox('/sandbox/kaleyra/templates/review-mode', { waba, mode: 'manual' });
    const name = `teaser_${Date.now().toString(36)}`;
    const app = await openTemplates(page, owner);
    await app.getByTestId('tpl-new').click();
    const form = app.getByTestId('template-form');
    await form.getByTestId('tpl-name').fill(name);
    await form.getByTestId('tpl-body').fill('Hi {{1}}, something big is coming.');
    await form.getByTestId('tpl-sample-1').fill('Ann');
    await form.getByTestId('tpl-submit').click();
    const row = app.getByTestId(`tpl-row-${name}-en_US`);
    await expect(row.getByTestId('tpl-status')).toHaveText('In review');

    await sandbox(`/sandbox/kaleyra/templates/${waba}/${name}/status`, { status: 'REJECTED', rejected_reason: 'TAG_CONTENT_MISMATCH' });
    await app.getByTestId('tpl-sync').click();
    await expect(row.getByTestId('tpl-reason')).toContainText('TAG_CONTENT_MISMATCH');
    await page.screenshot({ path: 'e2e/screenshots/template-studio-rejected.png', fullPage: true });
    await row.getByTestId('tpl-resubmit').click();
    await expect(form.getByTestId('template-form-note')).toContainText('TAG_CONTENT_MISMATCH');
    await expect(form.getByTestId('tpl-name')).toHaveValue(`${name}_v2`);
    await expect(form.getByTestId('tpl-body')).toHaveValue('Hi {{1}}, something big is coming.');
    await expect(form.getByTestId('tpl-sample-1')).toHaveValue('Ann');
    await page.screenshot({ path: 'e2e/screenshots/template-studio-resubmit.png', fullPage: true });
    await sandbox('/sandbox/kaleyra/templates/review-mode', { waba, mode: 'instant' });
  });

  test('agents see the templates read-only', async ({ page }) => {
    const { agent } = await acme();
    const app = await openTemplates(page, agent);
    await expect(app.getByTestId('tpl-read-only')).toBeVisible();
    await expect(app.getByTestId('tpl-new')).toHaveCount(0);
    await expect(app.getByTestId('tpl-delete')).toHaveCount(0);
  });
});
