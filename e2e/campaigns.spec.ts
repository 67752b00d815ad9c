import { readFile } from 'node:fs/promises';
import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { freshCustomer, fullscreenFrame, orgs, sandbox, signIn, type SandboxOrg } from './support';

/** An owner runs campaigns from the fullscreen app's Campaigns tab. */

async function acme(): Promise<SandboxOrg> {
  return (await orgs())[0]!;
}

async function openCampaigns(page: Page): Promise<FrameLocator> {
  const org = await acme();
  await page.goto('/');
  await page.getByTestId('nav-app-whatsapp').click();
  const app = fullscreenFrame(page);
  await signIn(page, app, org.accounts.find((a) => a.role === 'owner')!.email);
  await app.getByTestId('tab-campaigns').click();
  await expect(app.getByTestId('campaign-new')).toBeVisible();
  return app;
}

const csv = (rows: string[][]) => ['phone,name,order', ...rows.map((r) => r.join(','))].join('\n');

/** New campaign → order_shipped (utility: no quiet hours) → the file → check. Lands on the draft's report. */
async function createCampaign(app: FrameLocator, name: string, content: string, page?: Page, screenshot?: string) {
  await app.getByTestId('campaign-new').click();
  await app.getByTestId('campaign-name').fill(name);
  await app.getByTestId('template-select').selectOption('order_shipped::en_US');
  await app.getByTestId('campaign-file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(content) });
  await expect(app.getByTestId('campaign-mapping')).toBeVisible();
  await expect(app.getByTestId('map-phone')).toHaveValue('phone');
  await expect(app.getByTestId('map-var-1')).toHaveValue('name');
  await expect(app.getByTestId('map-var-2')).toHaveValue('order');
  await app.getByTestId('fallback-3').fill('Friday');
  if (screenshot && page) await page.screenshot({ path: `e2e/screenshots/${screenshot}.png`, fullPage: true });
  await app.getByTestId('campaign-check').click();
  await expect(app.getByTestId('check-report')).toBeVisible({ timeout: 30_000 });
}

async function launch(app: FrameLocator, pace: 'max' | '60' | '10' = 'max') {
  await app.getByTestId('campaign-pace').selectOption(pace);
  await expect(app.getByTestId('campaign-plan')).toBeVisible();
  await app.getByTestId('campaign-launch').click();
  await expect(app.getByTestId('progress-card')).toBeVisible();
}

test.describe('campaigns (bulk sends)', () => {
  test('C.2: uploading a CSV with bad rows shows the report, and a launch runs to completion with live progress', async ({ page }) => {
    const app = await openCampaigns(page);
    const [a, b, c] = [freshCustomer(), freshCustomer(), freshCustomer()];
    const content = csv([
      [a.e164, 'Ann', 'A-1'],
      [b.display, 'Bob', 'A-2'],
      ['not-a-number', 'Cy', 'A-3'],
      [a.e164, 'Ann again', 'A-4'],
      [c.e164, '', 'A-5'],
    ]);
    await createCampaign(app, 'Order updates', content, page, 'campaign-new');
    await expect(app.getByTestId('report-valid')).toContainText('2');
    await expect(app.getByTestId('report-invalid')).toContainText('1');
    await expect(app.getByTestId('report-duplicates')).toContainText('1');
    await expect(app.getByTestId('report-missing')).toContainText('1');
    await expect(app.getByTestId('rejected-line-4')).toContainText('not-a-number');
    await expect(app.getByTestId('rejected-line-5')).toContainText('Same number as line 2');
    await expect(app.getByTestId('rejected-line-6')).toContainText('{{1}}');
    await expect(app.getByTestId('plan-needed')).toHaveText('2');
    await page.screenshot({ path: 'e2e/screenshots/campaign-report.png', fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), app.getByTestId('download-rejected').click()]);
    const rejected = await readFile((await download.path())!, 'utf8');
    expect(rejected.split(/\r?\n/)[0]).toBe('line,phone,problem,reason');
    // Numbers start with a quote, as in every export: a spreadsheet shows +48… instead of running a formula.
    expect(rejected).toContain(`5,'${a.e164},duplicate,Same number as line 2`);

    // Test send to the owner's own number with the first row's values.
    const me = freshCustomer();
    await app.getByTestId('test-send-to').fill(me.e164);
    await app.getByTestId('test-send-button').click();
    await expect(app.getByTestId('test-send-done')).toBeVisible();
    const test = await sandbox<{ messages: { params: string[] }[] }>(`/sandbox/kaleyra/messages?to=${encodeURIComponent(me.e164)}`);
    expect(test.messages[0]!.params.slice(0, 2)).toEqual(['Ann', 'A-1']);

    // One per second, so the progress is seen moving.
    await launch(app, '60');
    await expect(app.getByTestId('campaign-status')).toHaveText(/Sending|Completed/);
    await expect(app.getByTestId('progress-text')).toContainText(/of 2 handled/);
    await page.screenshot({ path: 'e2e/screenshots/campaign-progress.png', fullPage: true });
    await expect(app.getByTestId('campaign-status')).toHaveText('Completed', { timeout: 30_000 });
    await expect(app.getByTestId('count-read')).toHaveText('Read: 2', { timeout: 20_000 });
    await expect(app.getByTestId('progress-text')).toContainText('2 of 2 handled (100%)');
    await expect(app.getByTestId(`recipient-${a.e164}`)).toContainText('Read');
    const at = await sandbox<{ messages: { to: string }[] }>(`/sandbox/kaleyra/messages?to=${encodeURIComponent(a.e164)}`);
    expect(at.messages).toHaveLength(1);

    const [report] = await Promise.all([page.waitForEvent('download'), app.getByTestId('campaign-export').click()]);
    const text = await readFile((await report.path())!, 'utf8');
    expect(text.split(/\r?\n/)[0]).toBe('line,phone,status,reason,attempts,message_id,dispatched_at');
    expect(text).toContain(`'${a.e164},read`);
    await page.screenshot({ path: 'e2e/screenshots/campaign-completed.png', fullPage: true });
  });

  test('F.4: STOP arrives mid-campaign and that customer is not messaged', async ({ page }) => {
    const app = await openCampaigns(page);
    const org = await acme();
    const people = Array.from({ length: 10 }, () => freshCustomer());
    await createCampaign(app, 'Stop test', csv(people.map((p, i) => [p.e164, `P${i}`, `S-${i}`])));
    await launch(app, '60');
    await expect(app.getByTestId('progress-text')).not.toContainText(/^0 of/, { timeout: 20_000 });
    // The last customer replies STOP before their turn.
    const last = people[people.length - 1]!;
    await sandbox('/sandbox/kaleyra/incoming', { to: org.whatsapp_numbers[0]!.number, from: last.e164, body: 'STOP' });
    await expect(app.getByTestId('campaign-status')).toHaveText('Completed', { timeout: 30_000 });
    await expect(app.getByTestId('count-skipped')).toHaveText('Skipped: 1');
    await expect(app.getByTestId(`recipient-${last.e164}`)).toContainText(/opted out/i);
    const toLast = await sandbox<{ messages: unknown[] }>(`/sandbox/kaleyra/messages?to=${encodeURIComponent(last.e164)}`);
    expect(toLast.messages).toHaveLength(0);
    await page.screenshot({ path: 'e2e/screenshots/campaign-stop.png', fullPage: true });
  });

  test('C.2: a short balance is refused with how many are missing, and "the first N" fits it', async ({ page }) => {
    const app = await openCampaigns(page);
    // The balance now, from the plan of a one-recipient draft.
    await createCampaign(app, 'Probe', csv([[freshCustomer().e164, 'A', '1']]));
    const balance = Number((await app.getByTestId('plan-balance').innerText()).replace(/\D/g, ''));
    await app.getByTestId('campaign-discard').click();
    const people = Array.from({ length: balance + 3 }, () => freshCustomer());
    await createCampaign(app, 'Too big', csv(people.map((p, i) => [p.e164, `P${i}`, `B-${i}`])));
    await expect(app.getByTestId('plan-short')).toContainText('3 conversations are missing');
    await app.getByTestId('campaign-launch').click();
    await expect(app.getByTestId('launch-error')).toContainText(/3 missing/);
    await expect(app.getByTestId('campaign-status')).toHaveText('Draft');
    await page.screenshot({ path: 'e2e/screenshots/campaign-short-balance.png', fullPage: true });
    await app.getByTestId('plan-first-n').click();
    await expect(app.getByTestId('campaign-limit')).toContainText(`first ${balance.toLocaleString('en')}`);
    await expect(app.getByTestId('plan-short')).toHaveCount(0);
    // Not launched: other specs share this balance.
    await app.getByTestId('campaign-discard').click();
    await expect(app.getByTestId('campaign-list')).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/campaign-list.png', fullPage: true });
  });

  test('pause and resume work', async ({ page }) => {
    const app = await openCampaigns(page);
    const people = Array.from({ length: 8 }, () => freshCustomer());
    await createCampaign(app, 'Pause test', csv(people.map((p, i) => [p.e164, `P${i}`, `R-${i}`])));
    await launch(app, '60');
    await expect(app.getByTestId('count-read')).not.toHaveText('Read: 0', { timeout: 20_000 });
    await app.getByTestId('campaign-pause').click();
    await expect(app.getByTestId('campaign-status')).toHaveText('Paused');
    await expect(app.getByTestId('paused-note')).toBeVisible();
    // What was already handed over finishes; then nothing moves.
    await page.waitForTimeout(3_000);
    const handled = await app.getByTestId('progress-text').innerText();
    await page.waitForTimeout(3_000);
    await expect(app.getByTestId('progress-text')).toHaveText(handled);
    expect(handled).not.toContain('8 of 8');
    await page.screenshot({ path: 'e2e/screenshots/campaign-paused.png', fullPage: true });
    await app.getByTestId('campaign-resume').click();
    await expect(app.getByTestId('campaign-status')).toHaveText(/Sending|Completed/);
    await expect(app.getByTestId('campaign-status')).toHaveText('Completed', { timeout: 30_000 });
    await expect(app.getByTestId('progress-text')).toContainText('8 of 8 handled');
  });
});
