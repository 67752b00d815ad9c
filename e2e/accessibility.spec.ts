import AxeBuilder from '@axe-core/playwright';
import { expect, test, type FrameLocator, type Locator, type Page } from '@playwright/test';
import { acme, apiAs, detailsFrame, freshCustomer, fullscreenFrame, signIn } from './support';

/**
 * Accessibility: axe-core checks the sidebar, every fullscreen tab and every dialog, in LiveChat's light and dark
 * themes. Serious and critical violations fail the suite; so do the moderate ones about headings, which were fixed
 * and must stay fixed. Only our widgets are checked, not the sandbox's stand-in for LiveChat around them.
 */
type Theme = 'light' | 'dark';
const THEMES: Theme[] = ['light', 'dark'];
const FAILING_IMPACTS = new Set(['serious', 'critical']);
const FIXED_MODERATE_RULES = new Set(['heading-order', 'page-has-heading-one', 'landmark-one-main', 'region']);

const DETAILS = 'iframe[src*="/widget/details.html"]';
const FULLSCREEN = 'iframe[src*="/widget/fullscreen.html"]';

/** The sandbox host remembers its theme in localStorage and hands it to the widgets (`?theme=`, `change_theme`). */
async function useTheme(page: Page, theme: Theme) {
  await page.addInitScript((t) => localStorage.setItem('wa-sandbox-host-theme', t), theme);
}

async function expectAccessible(page: Page, frameSelector: string, what: string) {
  const results = await new AxeBuilder({ page }).include(frameSelector).analyze();
  const failing = results.violations.filter((v) => FAILING_IMPACTS.has(v.impact ?? '') || FIXED_MODERATE_RULES.has(v.id));
  const report = failing.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').join(' ')}`).join('\n')}`,
  );
  console.log(`${what}: ${results.violations.map((v) => `${v.impact}:${v.id}(${v.nodes.length})`).join(', ') || 'no violations'}`);
  expect.soft(report, `${what}: accessibility violations`).toEqual([]);
}

/** Lets a tab load its data (no spinner or skeleton left), so axe sees the content rather than a placeholder. */
async function settled(scope: Locator) {
  const busy = scope.locator('[class*="Loader-module__loader"], [class*="Skeleton"], [aria-busy="true"]');
  await expect(busy)
    .toHaveCount(0, { timeout: 10_000 })
    .catch(() => undefined);
}

/**
 * Opens every dialog the visible tab offers (a button marked `aria-haspopup="dialog"`), checks it, and closes it
 * with Escape without confirming anything. Returns the dialogs' names.
 */
async function checkDialogs(page: Page, app: FrameLocator, where: string): Promise<string[]> {
  const triggers = app.getByRole('tabpanel').locator('[aria-haspopup="dialog"]:visible:enabled');
  const names: string[] = [];
  const count = await triggers.count();
  for (let i = 0; i < count; i++) {
    await triggers.nth(i).click();
    const dialog = app.getByRole('dialog');
    await expect(dialog).toBeVisible();
    // Axe reads colours as they are painted: a dialog still fading in blends its buttons with the page behind.
    await dialog.evaluate((el) =>
      Promise.all(
        el.ownerDocument
          .getAnimations()
          .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
          .map((a) => a.finished.catch(() => undefined)),
      ),
    );
    const name = (await dialog.getAttribute('aria-label')) ?? (await dialog.getAttribute('aria-labelledby')) ?? `dialog ${i + 1}`;
    names.push(name);
    await expectAccessible(page, FULLSCREEN, `dialog "${name}" in ${where}`);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  }
  return names;
}

async function openFullscreen(page: Page, email: string): Promise<FrameLocator> {
  await page.goto('/');
  await page.getByTestId('nav-app-whatsapp').click();
  const app = fullscreenFrame(page);
  await signIn(page, app, email);
  return app;
}

for (const theme of THEMES) {
  test.describe(`accessibility in the ${theme} theme`, () => {
    test.beforeEach(async ({ page }) => {
      // Every tab, or every dialog, with an axe run each: longer than one user journey.
      test.setTimeout(300_000);
      await useTheme(page, theme);
    });

    test(`the sidebar, signed out and signed in (${theme})`, async ({ page }) => {
      const { agent } = await acme();
      await page.goto('/');
      await expect(page.locator(DETAILS)).toHaveAttribute('src', new RegExp(`theme=${theme}`));
      const frame = detailsFrame(page);
      await expect(frame.getByRole('button', { name: /sign in/i })).toBeVisible();
      await expectAccessible(page, DETAILS, `sidebar signed out (${theme})`);
      await signIn(page, frame, agent);
      await page.getByTestId('chat-chat-maria').click();
      await expect(frame.getByTestId('customer-number')).toBeVisible();
      await expect(frame.getByTestId('template-select')).toBeVisible();
      await expectAccessible(page, DETAILS, `sidebar signed in (${theme})`);
    });

    test(`every fullscreen tab (${theme})`, async ({ page }) => {
      const { owner } = await acme();
      const app = await openFullscreen(page, owner);
      const tabs = app.getByRole('tab');
      await expect(tabs.first()).toBeVisible();
      // The tabs the app shows, whatever they are: a new tab is checked without touching this spec.
      const names = (await tabs.allInnerTexts()).map((n) => n.trim());
      expect(names.length).toBeGreaterThan(3);
      for (const name of names) {
        const tab = app.getByRole('tab', { name, exact: true });
        await tab.click();
        await expect(tab).toHaveAttribute('aria-selected', 'true');
        const panel = app.getByRole('tabpanel', { name, exact: true });
        await expect(panel).toBeVisible();
        await settled(panel);
        await expectAccessible(page, FULLSCREEN, `fullscreen tab "${name}" (${theme})`);
        await page.screenshot({ path: `e2e/screenshots/accessibility-${theme}-${name.toLowerCase().replace(/\W+/g, '-')}.png` });
      }
    });

    test(`every dialog (${theme})`, async ({ page }) => {
      const { org, owner } = await acme();
      // A customer the business has messaged, so every right can be exercised on them.
      const agent = await apiAs(org, 'agent');
      const customer = freshCustomer();
      const sent = await agent.call('/api/messages', {
        numberId: agent.numberId,
        to: customer.e164,
        clientRef: crypto.randomUUID(),
        kind: 'template',
        templateName: 'login_code',
        language: 'en_US',
        variables: ['123456'],
      });
      expect(sent.status).toBe(201);

      const app = await openFullscreen(page, owner);
      await app.getByTestId('tab-privacy').click();
      await app.getByTestId('privacy-phone').fill(customer.e164);
      await app.getByTestId('privacy-lookup').click();
      await expect(app.getByTestId('privacy-result')).toBeVisible();
      const opened = await checkDialogs(page, app, `"Customer data" (${theme})`);
      expect(opened).toEqual(expect.arrayContaining(['Restrict processing?', 'Record a consent withdrawal?', 'Erase this number?']));

      // Every other tab: whatever opens a dialog there is checked too.
      for (const name of (await app.getByRole('tab').allInnerTexts()).map((n) => n.trim())) {
        if (name === 'Customer data') continue;
        await app.getByRole('tab', { name, exact: true }).click();
        const panel = app.getByRole('tabpanel', { name, exact: true });
        await expect(panel).toBeVisible();
        await settled(panel);
        await checkDialogs(page, app, `"${name}" (${theme})`);
      }
    });
  });
}
