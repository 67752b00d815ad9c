import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { apiAs, emailOf, freshCustomer, openApp, openMariasChat, openSidebar, orgs, type SandboxOrg } from './support';

/** Lists that grow with the business show a page and "Load more", never a silent cut. */

async function acme(): Promise<SandboxOrg> {
  return (await orgs())[0]!;
}

/** Template sends through the API (what the sidebar does), each to a fresh customer unless one is given. */
async function sendMany(org: SandboxOrg, count: number, to?: string) {
  const { call, numberId } = await apiAs(org, 'agent');
  for (let i = 0; i < count; i++) {
    const r = await call('/api/messages', {
      kind: 'template',
      numberId,
      to: to ?? freshCustomer().e164,
      templateName: 'order_shipped',
      language: 'en_US',
      variables: ['Ann', `#H-${i}`, 'Friday'],
      clientRef: crypto.randomUUID(),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}

test.describe('history pages', () => {
  test('C.3: the Billing history shows a page of movements and loads older ones with "Load more"', async ({ page }) => {
    const org = await acme();
    await sendMany(org, 60);
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-billing').click();
    const entries = app.getByTestId('ledger-entry');
    await expect(entries).toHaveCount(50);
    // Older movements a page at a time, until the list says it holds them all.
    const more = app.getByTestId('ledger-load-more');
    while (await more.isVisible()) {
      const shown = await entries.count();
      await more.click();
      await expect.poll(() => entries.count()).toBeGreaterThan(shown);
    }
    await expect(app.getByTestId('ledger-load-more-end')).toContainText('movements shown');
    await app.getByTestId('ledger-load-more-end').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/history-billing.png' });

    // The CSV holds every movement, whatever was loaded on screen.
    const [download] = await Promise.all([page.waitForEvent('download'), app.getByTestId('ledger-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^whatsapp-ledger-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(lines[0]).toBe('time,entry_id,delta,reason,reference,number_id');
    expect(lines.length - 1).toBe(await entries.count());
    // A handful of bills fits one page: no footer.
    await app.getByTestId('bills-table').scrollIntoViewIfNeeded();
    expect(await app.getByTestId('bills-table').locator('tbody tr').count()).toBeLessThan(50);
    await expect(app.getByTestId('bills-load-more')).toHaveCount(0);
    await expect(app.getByTestId('bills-load-more-end')).toHaveCount(0);
    await page.screenshot({ path: 'e2e/screenshots/history-bills.png' });

    await app.getByTestId('tab-account').click();
    await expect(app.getByTestId('audit-table')).toBeVisible();
    await app.getByTestId('audit-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/history-audit.png' });
  });

  test('F.4: the suppression list pages with "Load more" and exports every entry', async ({ page }) => {
    const org = await acme();
    const { call } = await apiAs(org, 'owner');
    const phones = Array.from({ length: 60 }, () => freshCustomer().e164);
    const imported = await call('/api/opt-outs/import', { csv: ['phone,reason', ...phones.map((p) => `${p},asked by e-mail`)].join('\n') });
    expect(imported.body.added).toBe(60);
    // Earlier specs on the same server opted customers out too: the list holds at least these 60.
    const total = (await call('/api/opt-outs?limit=1')).body.total as number;
    expect(total).toBeGreaterThanOrEqual(60);
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-opt-outs').click();
    const rows = app.getByTestId('opt-out-table').locator('tbody tr');
    await expect(rows).toHaveCount(25);
    await app.getByTestId('opt-outs-load-more').click();
    await expect(rows).toHaveCount(50);
    await app.getByTestId('opt-outs-load-more').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: 'e2e/screenshots/history-opt-outs.png' });
    for (let shown = 50; shown < total; shown += 25) {
      await app.getByTestId('opt-outs-load-more').click();
      await expect(rows).toHaveCount(Math.min(shown + 25, total));
    }
    await expect(app.getByTestId('opt-outs-load-more')).toHaveCount(0);
    const [download] = await Promise.all([page.waitForEvent('download'), app.getByTestId('opt-out-export').click()]);
    const exported = await readFile((await download.path())!, 'utf8');
    for (const p of phones) expect(exported).toContain(p);
  });

  test('the sidebar shows the newest messages to a customer and older ones on "Load more"', async ({ page }) => {
    const org = await acme();
    const customer = freshCustomer();
    await sendMany(org, 24, customer.e164);
    const frame = await openSidebar(page, emailOf(org, 'agent'));
    await openMariasChat(page);
    await expect(frame.getByTestId('customer-number')).toContainText('612');
    await frame.getByRole('button', { name: /change/i }).click();
    await frame.getByTestId('customer-number-input').fill(customer.e164);
    const items = frame.getByTestId('message-list').locator('li.wa-message');
    await expect(items).toHaveCount(20);
    await frame.getByTestId('messages-load-more').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/history-sidebar-messages.png' });
    await frame.getByTestId('messages-load-more').click();
    await expect(items).toHaveCount(24);
    await expect(frame.getByTestId('messages-load-more')).toHaveCount(0);
  });

  test('campaign recipients page in file order with "Load more"', async ({ page }) => {
    const org = await acme();
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-campaigns').click();
    await app.getByTestId('campaign-new').click();
    await app.getByTestId('campaign-name').fill('Many recipients');
    await app.getByTestId('template-select').selectOption('order_shipped::en_US');
    const phones = Array.from({ length: 60 }, () => freshCustomer().e164);
    const content = ['phone,name,order', ...phones.map((p, i) => `${p},Ann,#R-${i}`)].join('\n');
    await app.getByTestId('campaign-file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(content) });
    await expect(app.getByTestId('campaign-mapping')).toBeVisible();
    await app.getByTestId('fallback-3').fill('Friday');
    await app.getByTestId('campaign-check').click();
    await expect(app.getByTestId('check-report')).toBeVisible({ timeout: 30_000 });
    await app.getByTestId('campaign-pace').selectOption('10');
    await expect(app.getByTestId('campaign-plan')).toBeVisible();
    await app.getByTestId('campaign-launch').click();
    await expect(app.getByTestId('progress-card')).toBeVisible();
    const rows = app.getByTestId('recipients-table').locator('tbody tr');
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toHaveAttribute('data-testid', `recipient-${phones[0]}`);
    await app.getByTestId('recipients-load-more').click();
    await expect(rows).toHaveCount(60);
    await expect(rows.last()).toHaveAttribute('data-testid', `recipient-${phones[59]}`);
    await app.getByTestId('recipients-load-more-end').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/history-campaign-recipients.png' });
  });
});
