import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { BFF, emailOf, openApp, openSidebar, orgs, sandbox, type SandboxOrg } from './support';

const run = promisify(execFile);

/** Cedar Dental: seeded as a brand-new customer whose owner has not accepted the terms yet. */
async function cedar(): Promise<SandboxOrg> {
  const org = (await orgs()).find((o) => o.name === 'Cedar Dental');
  if (!org) throw new Error('the sandbox has no Cedar Dental');
  return org;
}

/** `pnpm ops …` against this run's BFF, as an operator would type it. */
async function opsCli<T = unknown>(...args: string[]): Promise<T> {
  const { stdout } = await run('pnpm', ['-s', 'ops', ...args, '--json'], {
    env: { ...process.env, OPS_URL: BFF, OPS_CREDENTIAL: 'dev-operator:dev-operator-secret-0123456789abcdef' },
  });
  return JSON.parse(stdout) as T;
}

test.describe.serial('account lifecycle, refunds and operator controls', () => {
  test('terms: agents wait for the owner, who accepts the terms in force before first use', async ({ page, browser }) => {
    const org = await cedar();
    // The agent works in their own browser.
    const agentContext = await browser.newContext();
    const agentPage = await agentContext.newPage();
    const sidebar = await openSidebar(agentPage, emailOf(org, 'agent'));
    await expect(sidebar.getByTestId('terms-waiting')).toContainText('Waiting for the owner');
    await expect(sidebar.getByTestId('send-button')).toHaveCount(0);
    await agentPage.screenshot({ path: 'e2e/screenshots/lifecycle-terms-waiting.png' });

    const app = await openApp(page, emailOf(org, 'owner'));
    const link = app.getByTestId('terms-link');
    await expect(link).toHaveAttribute('href', /^https?:\/\//);
    await expect(app.getByTestId('terms-accept')).toBeDisabled();
    await page.screenshot({ path: 'e2e/screenshots/lifecycle-terms-acceptance.png' });
    await app.getByTestId('terms-agree').click();
    await app.getByTestId('terms-accept').click();
    await expect(app.getByTestId('tab-account')).toBeVisible();
    await app.getByTestId('tab-account').click();
    await expect(app.getByTestId('terms-version')).toContainText('Version of 9 May 2024');
    await expect(app.getByTestId('terms-version')).toContainText('accepted by Carla Owner');

    // The agent's sidebar lets them send now: the gate re-checks on its own.
    await expect(sidebar.getByTestId('send-button')).toBeVisible({ timeout: 30_000 });
    await agentContext.close();
  });

  test('E: before uninstalling, the owner sees exactly what would be lost', async ({ page }) => {
    const org = await cedar();
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-account').click();
    const preview = app.getByTestId('loss-preview');
    await expect(preview.getByTestId('loss-conversations')).toContainText('500 conversations are lost');
    await expect(preview.getByTestId('loss-numbers')).toContainText('1 number is disconnected');
    await expect(preview.getByTestId('loss-numbers')).toContainText('Cedar Dental');
    await page.screenshot({ path: 'e2e/screenshots/lifecycle-account.png' });
  });

  test('F.2: a suspended business can neither send nor buy in the app, and sees why; the operator restores it', async ({ page }) => {
    const org = await cedar();
    const suspended = await opsCli<{ business: { status: string } }>('suspend', org.id, '--reason', 'Meta reported spam complaints');
    expect(suspended.business.status).toBe('suspended');

    const sidebar = await openSidebar(page, emailOf(org, 'agent'));
    await expect(sidebar.getByTestId('account-blocked')).toContainText('Meta reported spam complaints');
    await expect(sidebar.getByTestId('send-button')).toBeDisabled();
    await page.screenshot({ path: 'e2e/screenshots/lifecycle-suspended-sidebar.png' });

    const app = await openApp(page, emailOf(org, 'owner'));
    await expect(app.getByTestId('account-blocked')).toContainText('suspended');
    await app.getByTestId('tab-billing').click();
    await app.getByTestId('package-buy-100').click();
    await expect(app.getByTestId('package-error')).toContainText(/suspended/i);
    await expect(page.getByTestId('payment-modal')).toBeHidden();

    const restored = await opsCli<{ business: { status: string } }>('restore', org.id);
    expect(restored.business.status).toBe('active');
    await expect(app.getByTestId('account-blocked')).toHaveCount(0, { timeout: 30_000 });
  });

  test('H: the owner requests a refund, an operator approves it with `pnpm ops`, and the owner sees the status', async ({ page }) => {
    const org = await cedar();
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-account').click();

    const plan = app.getByTestId('refund-candidate-recurrent');
    await expect(plan.getByTestId('refund-eligibility')).toContainText('Covered by the 14-day money-back guarantee');
    await expect(app.getByTestId('refund-candidate-direct').getByTestId('refund-eligibility')).toContainText('packages are never refunded');
    await plan.getByTestId('refund-request').click();
    await expect(plan.getByTestId('refund-confirm-text')).toContainText('cancelled');
    await plan.getByTestId('refund-confirm').click();
    const requests = app.getByTestId('refund-requests');
    await expect(requests.getByTestId('refund-status')).toHaveText('Requested');
    await requests.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/lifecycle-refund-requested.png' });

    const waiting = await opsCli<{ refunds: { id: string; organizationId: string; status: string }[] }>('refunds', '--status', 'requested');
    const refund = waiting.refunds.find((r) => r.organizationId === org.id);
    expect(refund).toBeTruthy();
    const approved = await opsCli<{ refund: { status: string; planCancelled: boolean } }>(
      'refund',
      'approve',
      refund!.id,
      '--reason',
      'within 14 days',
    );
    expect(approved.refund).toMatchObject({ status: 'approved', planCancelled: true });

    await expect(requests.getByTestId('refund-status')).toHaveText('Approved', { timeout: 20_000 });
    await expect(requests).toContainText('Reason: within 14 days');

    await opsCli('refund', 'paid', refund!.id);
    await expect(requests.getByTestId('refund-status')).toHaveText('Paid', { timeout: 20_000 });

    // The number is gone with its plan, and the log tells the whole story.
    const shown = await opsCli<{ numbers: { disconnectedAt: string | null }[]; charges: { kind: string; status: string }[] }>(
      'show',
      org.id,
    );
    expect(shown.numbers.every((n) => n.disconnectedAt !== null)).toBe(true);
    expect(shown.charges.find((c) => c.kind === 'recurrent')!.status).toBe('cancelled');
    await app.getByTestId('tab-overview').click();
    await app.getByTestId('tab-account').click();
    const audit = app.getByTestId('audit-table');
    for (const action of [
      'refund.requested',
      'refund.approved',
      'refund.paid',
      'number.disconnected',
      'terms.accepted',
      'account.suspended',
      'account.restored',
    ]) {
      await expect(audit.locator(`[data-action="${action}"]`).first()).toBeVisible();
    }
    await requests.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/lifecycle-refund-paid.png' });
    await audit.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/lifecycle-audit.png' });
  });
  // Last: it uninstalls Cedar Dental.
  test('L.11b: the owner corrects the business contact, asks to delete the data after uninstalling, and uninstalling deletes it', async ({
    page,
  }) => {
    const org = await cedar();
    const app = await openApp(page, emailOf(org, 'owner'));
    await app.getByTestId('tab-account').click();
    const form = app.getByTestId('business-contact-form');
    // Prefilled from the LiveChat account until saved.
    await expect(form.getByTestId('contact-email')).toHaveValue(emailOf(org, 'owner'));
    await form.getByTestId('contact-companyName').fill('Cedar Dental Clinic LLC');
    await form.getByTestId('contact-email').fill('billing@cedar');
    await form.getByTestId('contact-phone').fill('12');
    await form.getByTestId('contact-save').click();
    await expect(form).toContainText('Enter a valid e-mail address');
    await expect(form).toContainText('Add the country code');
    await form.getByTestId('contact-email').fill('billing@cedar-dental.example');
    await form.getByTestId('contact-phone').fill('+1 212 555 0142');
    await form.getByTestId('contact-save').click();
    await expect(form.getByTestId('contact-saved')).toBeVisible();
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/privacy-business-contact.png' });
    // Saved for real: a fresh page load shows it.
    const again = await openApp(page, emailOf(org, 'owner'));
    await again.getByTestId('tab-account').click();
    await expect(again.getByTestId('contact-email')).toHaveValue('billing@cedar-dental.example');
    await expect(again.getByTestId('contact-phone')).toHaveValue('+12125550142');

    const deletion = again.getByTestId('data-deletion');
    await expect(deletion.getByTestId('deletion-kept')).toContainText(/ledger/i);
    await deletion.getByTestId('deletion-request').click();
    await expect(deletion.getByTestId('deletion-status')).toContainText('Requested');
    await deletion.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/privacy-data-deletion.png' });

    await sandbox('/sandbox/apps/uninstall', { organization: org.id });
    await expect(again.getByTestId('account-uninstalled')).toBeVisible({ timeout: 30_000 });
    await expect(again.getByTestId('deletion-status')).toContainText('Deleted', { timeout: 30_000 });
    await page.screenshot({ path: 'e2e/screenshots/privacy-data-deleted.png' });
    const shown = await opsCli<{ status: string; deleted: Record<string, number> }>('data-deletion', org.id);
    expect(shown.status).toBe('done');
    expect(shown.deleted.numbers).toBeGreaterThan(0);
    expect(shown.deleted.business_contacts).toBe(1);
  });
});
