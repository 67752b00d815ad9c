import { readFile } from 'node:fs/promises';
import { expect, test, type FrameLocator, type Locator, type Page } from '@playwright/test';
import {
  BFF,
  balanceIn,
  detailsFrame,
  emailOf,
  expectBalance,
  freshCustomer,
  openApp,
  orgs,
  sandbox,
  signIn,
  talkTo,
  type SandboxOrg,
} from './support';

/** A random valid UK number, so every run connects a number nobody has. */
function freshBusinessNumber(): { e164: string; typed: string } {
  const tail = String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
  return { e164: `+44207946${tail}`, typed: `+44 20 7946 ${tail}` };
}

async function acme(): Promise<SandboxOrg> {
  return (await orgs())[0]!;
}

/** Lists page by cursor: press "Load more" until the list says everything is shown, then count its rows. */
async function loadAll(app: FrameLocator, loadMore: string, rows: Locator): Promise<number> {
  const more = app.getByTestId(loadMore);
  while (await more.isVisible()) {
    const shown = await rows.count();
    await more.click();
    await expect(rows).not.toHaveCount(shown);
  }
  return rows.count();
}
const wholeHistory = (app: FrameLocator) => loadAll(app, 'ledger-load-more', app.getByTestId('ledger-entry'));

async function tokenFor(org: SandboxOrg, role: 'owner' | 'agent'): Promise<string> {
  return (await sandbox<{ access_token: string }>('/sandbox/tokens', { organization: org.id, role })).access_token;
}

async function api(token: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${BFF}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

/** Numbers tab → "Connect a number" → the form → LiveChat's payment modal → confirm. Returns the number's card. */
async function connectAndPay(page: Page, app: FrameLocator, number: { e164: string; typed: string }, name: string) {
  await app.getByTestId('tab-numbers').click();
  await app.getByTestId('connect-number').click();
  await app.getByTestId('connect-number-input').fill(number.typed);
  await app.getByTestId('connect-display-name').fill(name);
  await app.getByTestId('connect-waba-id').fill('waba-acme-001');
  await app.getByTestId('connect-api-v2').click();
  await app.getByTestId('connect-plan-standard').click();
  await app.getByRole('button', { name: 'Annual' }).click();
  await expect(app.getByTestId('connect-submit')).toHaveText(/Connect and pay \$290\.00/);
  await page.screenshot({ path: 'e2e/screenshots/billing-connect-form.png' });
  await app.getByTestId('connect-submit').click();

  const modal = page.getByTestId('payment-modal');
  await expect(modal).toBeVisible();
  await expect(page.getByTestId('payment-name')).toContainText('Standard plan (annual)');
  await expect(page.getByTestId('payment-terms')).toContainText('$290.00');
  await expect(page.getByTestId('payment-terms')).toContainText('every 12 months');
  await page.getByTestId('payment-confirm').click();
  await expect(modal).toBeHidden();

  await expect(app.getByTestId('checkout-status')).toHaveAttribute('data-tone', 'success');
  await expect(app.getByTestId('checkout-status')).toContainText('the plan is active');
  const card = app.locator(`[data-number="${number.e164}"]`);
  await expect(card).toContainText('Active');
  await expect(card).toContainText('Standard plan · $290.00 / year');
  return card;
}

/** The owner's Kaleyra console (not our product): register the number and paste our callback settings. */
async function configureKaleyra(app: FrameLocator, number: string, name: string) {
  const value = async (id: string) => (await app.getByTestId(id).getAttribute('data-value')) ?? '';
  const settings = {
    status_url: await value('callback-status-url'),
    incoming_url: await value('callback-incoming-url'),
    username: await value('callback-username'),
    password: await value('callback-password'),
  };
  expect(settings.status_url).toMatch(/\/webhooks\/kaleyra\/.+\/status$/);
  await sandbox('/sandbox/kaleyra/numbers', { number, api_version: 'v2', waba_id: 'waba-acme-001', display_name: name });
  await sandbox(`/sandbox/kaleyra/numbers/${encodeURIComponent(number)}/callback-profile`, settings, 'PUT');
}

async function chargeIdOf(org: SandboxOrg, number: string): Promise<string> {
  const owner = await tokenFor(org, 'owner');
  const n = (await api(owner, '/api/numbers')).body.numbers.find((x: { number: string }) => x.number === number);
  return n.plan.chargeId as string;
}

test.describe('billing: numbers, plans, packages, balance and bills', () => {
  test('C.1: the owner connects a number and pays its plan in the LiveChat payment modal', async ({ page }) => {
    const org = await acme();
    const app = await openApp(page, emailOf(org, 'owner'));
    const number = freshBusinessNumber();
    const card = await connectAndPay(page, app, number, 'Acme Returns');
    await expect(card).toContainText('Connected: agents can send');
    // LiveChat billing has the plan running, at the catalog's price.
    const charge = await sandbox<{ charge: { status: string; price: number; months: number } }>(
      `/sandbox/billing/charges/${await chargeIdOf(org, number.e164)}`,
    );
    expect(charge.charge).toMatchObject({ status: 'active', price: 29000, months: 12 });
    // Several numbers per organization: the seeded one is still there.
    await expect.poll(() => app.getByTestId('number-cards').locator(':scope > li').count()).toBeGreaterThanOrEqual(2);
    await expect(app.getByTestId('callback-settings')).toContainText('Status URL');
    await page.screenshot({ path: 'e2e/screenshots/billing-numbers.png' });

    // Bad input: a malformed number is refused, naming the field; nothing is connected.
    await app.getByTestId('connect-number').click();
    await app.getByTestId('connect-number-input').fill('+44 12');
    await app.getByTestId('connect-display-name').fill('Broken');
    await app.getByTestId('connect-waba-id').fill('waba-acme-001');
    await app.getByTestId('connect-submit').click();
    await expect(app.getByTestId('connect-number-form')).toContainText(/Not a valid|phone number/);
    await expect(page.getByTestId('payment-modal')).toBeHidden();
    // …and the same number twice is refused too.
    await app.getByTestId('connect-number-input').fill(number.typed);
    await app.getByTestId('connect-submit').click();
    await expect(app.getByTestId('connect-number-form')).toContainText('Already connected to your organization');
    await page.screenshot({ path: 'e2e/screenshots/billing-connect-errors.png' });
  });

  test('C.2: the owner buys 500 conversations and sees 500 more', async ({ page }) => {
    const org = await acme();
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-billing').click();
    await expect(app.getByTestId('package-500')).toContainText('$49.00');
    const before = await balanceIn(app);
    await expect(app.getByTestId('ledger-table')).toBeVisible();
    const historyBefore = await wholeHistory(app);

    await app.getByTestId('package-buy-500').click();
    await expect(page.getByTestId('payment-modal')).toBeVisible();
    await expect(page.getByTestId('payment-name')).toContainText('500 package');
    await expect(page.getByTestId('payment-terms')).toContainText('$49.00');
    await page.getByTestId('payment-confirm').click();

    await expect(app.getByTestId('checkout-status')).toHaveAttribute('data-tone', 'success');
    await expect(app.getByTestId('checkout-status')).toContainText('500 conversations were added');
    await expectBalance(app, before + 500);
    await expect.poll(() => wholeHistory(app)).toBe(historyBefore + 1);
    await expect(app.getByTestId('ledger-entry').first()).toHaveAttribute('data-reason', 'purchase');
    await expect(app.getByTestId('ledger-entry').first()).toHaveAttribute('data-delta', '500');
    const bill = app.getByTestId('bills-table').locator('tbody tr').first();
    await expect(bill).toContainText('500 package');
    await expect(bill).toContainText('Paid');
    await page.screenshot({ path: 'e2e/screenshots/billing-bought.png', fullPage: true });
  });

  test('C.2: a declined payment changes nothing, and the widget says why', async ({ page }) => {
    const org = await acme();
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-billing').click();
    const before = await balanceIn(app);
    await expect(app.getByTestId('ledger-table')).toBeVisible();
    const historyBefore = await wholeHistory(app);

    await app.getByTestId('package-buy-1000').click();
    await expect(page.getByTestId('payment-modal')).toBeVisible();
    await page.getByTestId('payment-cancel').click();

    await expect(app.getByTestId('checkout-status')).toHaveAttribute('data-tone', 'error');
    await expect(app.getByTestId('checkout-status')).toContainText('declined');
    await expect(app.getByTestId('checkout-status')).toContainText('nothing was charged');
    await expect(app.getByTestId('bills-table').locator('tbody tr').first()).toContainText('Declined');
    await page.waitForTimeout(1_000);
    expect(await balanceIn(app)).toBe(before);
    expect(await wholeHistory(app)).toBe(historyBefore);
    await page.screenshot({ path: 'e2e/screenshots/billing-declined.png' });
  });

  test('C.1: a plan moved to past_due blocks sending from that number', async ({ page }) => {
    const org = await acme();
    const app = await openApp(page, emailOf(org, 'owner'));
    const number = freshBusinessNumber();
    await connectAndPay(page, app, number, 'Acme Outlet');
    await configureKaleyra(app, number.e164, 'Acme Outlet');
    const chargeId = await chargeIdOf(org, number.e164);

    // LiveChat could not renew the plan. Our background sync notices, with no one clicking anything.
    await sandbox(`/sandbox/billing/recurrent/${chargeId}/status`, { status: 'past_due' });
    const card = app.locator(`[data-number="${number.e164}"]`);
    await expect(card).toContainText('Payment overdue', { timeout: 30_000 });
    await expect(card).toContainText('sending is paused until it is paid');
    await page.screenshot({ path: 'e2e/screenshots/billing-past-due.png' });

    // In the chat sidebar an agent sees why, and cannot send from it.
    await page.getByTestId('nav-chats').click();
    const sidebar = detailsFrame(page);
    await signIn(page, sidebar, emailOf(org, 'agent'));
    await talkTo(sidebar, freshCustomer().e164);
    const option = sidebar.getByTestId('number-select').locator('option', { hasText: 'Acme Outlet' });
    await sidebar.getByTestId('number-select').selectOption({ value: (await option.getAttribute('value'))! });
    await expect(sidebar.getByTestId('cannot-send-reason')).toContainText('overdue');
    await sidebar
      .getByTestId('template-select')
      .selectOption({ label: 'login_code' })
      .catch(() => {});
    await expect(sidebar.getByTestId('send-button')).toBeDisabled();
    await page.screenshot({ path: 'e2e/screenshots/billing-past-due-sidebar.png' });

    // And the API refuses it too, with the reason.
    const agent = await tokenFor(org, 'agent');
    const numberId = (await api(agent, '/api/numbers')).body.numbers.find((n: { number: string }) => n.number === number.e164).id;
    const refused = await api(agent, '/api/messages', {
      body: {
        numberId,
        to: freshCustomer().e164,
        clientRef: crypto.randomUUID(),
        kind: 'template',
        templateName: 'login_code',
        language: 'en_US',
        variables: ['123456'],
      },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'number_not_active', detail: expect.stringContaining('overdue') });

    // Disconnecting cancels the plan's recurrent charge in LiveChat.
    await page.getByTestId('nav-app-whatsapp').click();
    await app.getByTestId('tab-numbers').click();
    await card.getByRole('button', { name: 'Disconnect' }).click();
    await card.getByRole('button', { name: 'Disconnect and cancel plan' }).click();
    await expect(card).toBeHidden();
    await expect
      .poll(async () => (await sandbox<{ charge: { status: string } }>(`/sandbox/billing/charges/${chargeId}`)).charge.status)
      .toBe('cancelled');
  });

  test('C.3: the bills CSV downloads and matches the ledger', async ({ page }) => {
    const org = await acme();
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-billing').click();
    await expect(app.getByTestId('bills-table')).toBeVisible();
    const downloading = page.waitForEvent('download');
    await app.getByTestId('bills-download').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^whatsapp-bills-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    const cols = header!.split(',');
    expect(cols).toEqual(expect.arrayContaining(['date', 'charge_id', 'item', 'price', 'status', 'credited_conversations']));
    // Our descriptions and ids hold no commas or quotes, so a plain split reads every row.
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
    await expect(app.getByTestId('bills-table')).toBeVisible();
    await loadAll(app, 'bills-load-more', app.getByTestId('bills-table').locator('tbody tr'));
    await expect(app.getByTestId('bills-table').locator('tbody tr')).toHaveCount(rows.length);
    await wholeHistory(app);

    // Every credited conversation in the CSV is a purchase in the ledger's history, and nothing else is.
    const purchases = await app
      .locator('[data-testid="ledger-entry"][data-reason="purchase"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-delta'))));
    const credited = rows.reduce((sum, r) => sum + Number(r.credited_conversations), 0);
    expect(credited).toBeGreaterThan(0);
    expect(credited).toBe(purchases.reduce((a, b) => a + b, 0));
    for (const r of rows.filter((x) => x.item!.startsWith('package:'))) {
      expect(Number(r.credited_conversations)).toBe(r.status === 'success' ? Number(r.conversations) : 0);
    }
    expect(rows.some((r) => r.status === 'declined')).toBe(true);
    await expect(app.getByTestId('bills-download-status')).toContainText('Saved whatsapp-bills-');
    await app.getByTestId('usage-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/billing-usage-bills.png' });
    await app.getByTestId('ledger-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/billing-history.png' });
  });

  test('C.3: below the low-balance threshold both widgets alert and the app icon shows a badge', async ({ page }) => {
    const org = await acme();
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-billing').click();
    const remaining = await balanceIn(app);
    await app.getByTestId('threshold-input').fill(String(remaining + 100));
    await app.getByTestId('threshold-save').click();
    await expect(app.getByTestId('low-balance-alert')).toContainText(`${remaining} conversations left`);
    await expect(page.getByTestId('app-badge')).toHaveText('1');
    await expect(app.getByTestId('usage-chart')).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/billing-low-balance.png', fullPage: true });

    await page.getByTestId('nav-chats').click();
    const sidebar = detailsFrame(page);
    await signIn(page, sidebar, emailOf(org, 'agent'));
    await expect(sidebar.getByTestId('balance-low')).toContainText('Running low');

    // Back above the threshold: the alert and the badge go away.
    await page.getByTestId('nav-app-whatsapp').click();
    await app.getByTestId('threshold-input').fill('');
    await app.getByTestId('threshold-save').click();
    await expect(app.getByTestId('low-balance-alert')).toBeHidden();
    await expect(page.getByTestId('app-badge')).toBeHidden();
  });

  test('an agent cannot buy, neither in the UI nor through the API', async ({ page }) => {
    const org = await acme();
    const app = await openApp(page, emailOf(org, 'agent'));
    await app.getByTestId('tab-billing').click();
    await expect(app.getByTestId('balance-remaining')).toBeVisible();
    await expect(app.getByTestId('package-500')).toBeVisible();
    await expect(app.getByTestId('package-buy-500')).toHaveCount(0);
    await expect(app.getByTestId('billing-readonly-note')).toContainText('Only the owner or an administrator');
    await expect(app.getByTestId('threshold-input')).toHaveCount(0);
    await expect(app.getByTestId('bills-table')).toBeVisible();
    await app.getByTestId('tab-numbers').click();
    await expect(app.getByTestId('number-cards')).toBeVisible();
    await expect(app.getByTestId('connect-number')).toHaveCount(0);
    await expect(app.getByRole('button', { name: 'Disconnect' })).toHaveCount(0);
    await expect(app.getByTestId('callback-settings')).toHaveCount(0);
    await page.screenshot({ path: 'e2e/screenshots/billing-agent.png' });

    const agent = await tokenFor(org, 'agent');
    const before = (await sandbox<{ direct: unknown[]; recurrent: unknown[] }>('/sandbox/billing/charges')).direct.length;
    const buy = await api(agent, '/api/billing/packages', { body: { packageId: '500' } });
    expect(buy.status).toBe(403);
    expect(buy.body.code).toBe('forbidden');
    const connect = await api(agent, '/api/numbers', {
      body: {
        number: freshBusinessNumber().e164,
        displayName: 'X',
        apiVersion: 'v2',
        wabaId: 'waba-acme-001',
        planId: 'starter',
        billingCycle: 'monthly',
      },
    });
    expect(connect.status).toBe(403);
    expect((await sandbox<{ direct: unknown[] }>('/sandbox/billing/charges')).direct.length).toBe(before);
  });
});
