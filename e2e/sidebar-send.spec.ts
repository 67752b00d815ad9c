import { expect, test } from '@playwright/test';
import {
  balanceIn,
  emailOf,
  expectBalance,
  freshCustomer,
  openMariasChat,
  openSidebar,
  orgs,
  sandbox,
  sidebarWithFreshCustomer,
} from './support';

test.describe('agent sends a WhatsApp template from the sidebar', () => {
  test('C.2: opening a conversation spends one, a second send within 24 h is free, status callbacks arrive live', async ({ page }) => {
    const [acme] = await orgs();
    const frame = await openSidebar(page, emailOf(acme!, 'agent'));

    // The selected chat's profile carries the customer's number (pre-chat survey).
    await openMariasChat(page);
    await expect(frame.getByTestId('customer-number')).toContainText('612');

    // Talk to a customer nobody has written to, so the test does not depend on earlier runs.
    const customer = freshCustomer();
    await frame.getByRole('button', { name: /change/i }).click();
    await frame.getByTestId('customer-number-input').fill(customer.e164);

    const before = await balanceIn(frame);
    expect(before).toBeGreaterThan(0);

    await frame
      .getByTestId('template-select')
      .selectOption({ label: 'order_shipped' })
      .catch(async () => {
        await frame.getByTestId('template-select').click();
        await frame.getByRole('option', { name: /order_shipped/ }).click();
      });
    await frame.getByTestId('template-var-1').fill('Maria');
    await frame.getByTestId('template-var-2').fill('#A-1001');
    await frame.getByTestId('template-var-3').fill('Friday');
    await expect(frame.getByTestId('template-preview')).toContainText(
      'Hi Maria, your order #A-1001 has shipped and will arrive on Friday.',
    );
    await expect(frame.getByTestId('cost-preview')).toContainText(`uses 1 of ${before}`);

    await frame.getByTestId('send-button').click();
    await expectBalance(frame, before - 1);
    const list = frame.getByTestId('message-list');
    await expect(list.getByText(/read/i).first()).toBeVisible({ timeout: 20_000 });

    // Same customer, same category, inside 24 hours: free.
    await expect(frame.getByTestId('cost-preview')).toContainText(/free/i);
    await frame.getByTestId('template-var-1').fill('Maria');
    await frame.getByTestId('template-var-2').fill('#A-1002');
    await frame.getByTestId('template-var-3').fill('Monday');
    await frame.getByTestId('send-button').click();
    await expect(list.locator('[data-testid^="message-status-"]')).toHaveCount(2, { timeout: 15_000 });
    await expectBalance(frame, before - 1);
    await page.screenshot({ path: 'e2e/screenshots/sidebar-sent.png' });
  });

  test('C.2: a failed opening message gives its conversation back', async ({ page }) => {
    const [acme] = await orgs();
    const { frame, customer } = await sidebarWithFreshCustomer(page, emailOf(acme!, 'agent'));
    const before = await balanceIn(frame);

    // The provider accepts, then reports that the message never reached WhatsApp.
    await sandbox('/sandbox/kaleyra/fail-next', { mode: 'not-sent', number: acme!.whatsapp_numbers[0]!.number, to: customer.e164 });
    await frame.getByTestId('template-select').selectOption({ label: 'login_code' });
    await frame.getByTestId('template-var-1').fill('123456');
    await expect(frame.getByTestId('cost-preview')).toContainText(`uses 1 of ${before}`);
    await frame.getByTestId('send-button').click();
    await expect(frame.getByTestId('message-list')).toContainText(/never reached WhatsApp/i, { timeout: 20_000 });
    await expectBalance(frame, before);

    // A synchronous refusal (Kaleyra account out of credit) spends nothing and says why.
    await sandbox('/sandbox/kaleyra/fail-next', { mode: 'E110', number: acme!.whatsapp_numbers[0]!.number, to: customer.e164 });
    await frame.getByTestId('send-button').click();
    await expect(frame.getByTestId('send-error')).toContainText(/run out of credit/i);
    await expectBalance(frame, before);
    await page.screenshot({ path: 'e2e/screenshots/sidebar-failed.png' });
  });
});
