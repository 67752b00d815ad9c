import { expect, test } from '@playwright/test';
import { acme, detailsFrame, fullscreenFrame, signIn } from './support';

/**
 * Regenerates the README's two pictures, docs/images/sidebar.png and docs/images/fullscreen.png, from the product
 * as it is: run it after a visible change and commit the images.
 */
test.describe('the README screenshots', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the sidebar next to a chat, with a template ready to send', async ({ page }) => {
    const { agent } = await acme();
    await page.goto('/');
    const frame = detailsFrame(page);
    await signIn(page, frame, agent);
    await page.getByTestId('chat-chat-maria').click();
    await expect(frame.getByTestId('customer-number')).toBeVisible();
    await frame.getByTestId('template-select').selectOption({ label: 'order_shipped' });
    await frame.getByTestId('template-var-1').fill('Maria');
    await frame.getByTestId('template-var-2').fill('#A-1001');
    await frame.getByTestId('template-var-3').fill('Friday');
    await expect(frame.getByTestId('template-preview')).toContainText('Hi Maria, your order #A-1001 has shipped');
    await expect(frame.getByTestId('cost-preview')).toBeVisible();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: 'docs/images/sidebar.png' });
  });

  test('the fullscreen app on its billing tab', async ({ page }) => {
    const { owner } = await acme();
    await page.goto('/');
    await page.getByTestId('nav-app-whatsapp').click();
    const app = fullscreenFrame(page);
    await signIn(page, app, owner);
    await app.getByTestId('tab-billing').click();
    await expect(app.getByTestId('bills-table')).toBeVisible();
    await expect(app.getByTestId('balance-remaining').first()).toBeVisible();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: 'docs/images/fullscreen.png' });
  });
});
