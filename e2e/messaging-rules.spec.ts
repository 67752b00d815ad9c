import { expect, test, type Route } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { acme, apiAs, balanceIn, expectBalance, freshCustomer, openApp, orgs, SANDBOX, sandbox, sidebarWithFreshCustomer } from './support';

/** One-on-one messaging that knows WhatsApp's rules (window, templates, opt-outs, plain errors). */

test.describe("the sidebar knows WhatsApp's rules", () => {
  test('with the window closed, only templates are offered and free text is refused', async ({ page }) => {
    const { org, agent } = await acme();
    const { frame, customer } = await sidebarWithFreshCustomer(page, agent);

    await expect(frame.getByTestId('customer-window')).toHaveAttribute('data-open', 'false');
    await expect(frame.getByTestId('window-closed-reason')).toContainText(/hasn't written.*only allows approved templates/);
    await expect(frame.getByRole('button', { name: 'Free text' })).toBeDisabled();
    await expect(frame.getByTestId('free-text-blocked')).toContainText('Free text is off');
    await expect(frame.getByTestId('free-text-input')).toHaveCount(0);

    // Only approved templates can be chosen; the others are listed with WhatsApp's reason.
    const select = frame.getByTestId('template-select');
    const choosable = await select.locator('option:not([disabled])').allTextContents();
    expect(choosable).toEqual(expect.arrayContaining(['order_shipped', 'login_code', 'spring_sale']));
    expect(choosable.join()).not.toMatch(/crypto_promo|winter_clearance/);
    await expect(select.locator('option[disabled]', { hasText: 'crypto_promo' })).toHaveText(/rejected/);
    await expect(select.locator('option[disabled]', { hasText: 'winter_clearance' })).toHaveText(/paused/);
    await frame.getByTestId('templates-unavailable').locator('summary').click();
    await expect(frame.getByTestId('template-unavailable-crypto_promo')).toContainText('PROMOTIONAL content not allowed');
    await page.screenshot({ path: 'e2e/screenshots/rules-window-closed.png' });

    // And the BFF refuses free text outside the window even when asked directly.
    const bff = await apiAs(org, 'agent');
    const r = await bff.call('/api/messages', {
      kind: 'text',
      numberId: bff.numberId,
      to: customer.e164,
      text: 'hello',
      clientRef: crypto.randomUUID(),
    });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('window_closed');
    expect(r.body.detail).toMatch(/24 hours/);
  });

  test('the customer writes, so free text is allowed and a countdown shows', async ({ page }) => {
    const { agent, number } = await acme();
    const { frame, customer } = await sidebarWithFreshCustomer(page, agent);
    await expect(frame.getByTestId('customer-window')).toHaveAttribute('data-open', 'false');
    const before = await balanceIn(frame);

    // The customer writes to our number: Kaleyra's incoming webhook reaches the BFF; the sidebar notices.
    await sandbox('/sandbox/kaleyra/incoming', { to: number, from: customer.e164, body: 'Hi! Is my order on its way?' });
    await expect(frame.getByTestId('customer-window')).toHaveAttribute('data-open', 'true');
    const countdown = frame.getByTestId('window-countdown');
    await expect(countdown).toHaveText(/^2[34]:\d\d:\d\d$/);
    const first = await countdown.textContent();
    await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);

    // Free text is the default inside the window.
    await expect(frame.getByRole('button', { name: 'Free text' })).toBeEnabled();
    await frame.getByTestId('free-text-input').fill('Yes, it left our warehouse this morning.');
    await expect(frame.getByTestId('cost-preview')).toContainText(`uses 1 of ${before}`);
    await expect(frame.getByTestId('cost-preview-detail')).toContainText(/free until/);
    await page.screenshot({ path: 'e2e/screenshots/rules-window-open.png' });
    await frame.getByTestId('send-button').click();
    await expectBalance(frame, before - 1);
    const list = frame.getByTestId('message-list');
    await expect(list).toContainText('Free text');
    await expect(list.locator('[data-status="read"]').first()).toBeVisible({ timeout: 20_000 });
    await expect(frame.getByTestId('free-text-input')).toHaveValue('');

    // A second reply rides on the open conversation.
    await frame.getByTestId('free-text-input').fill('Anything else I can help with?');
    await expect(frame.getByTestId('cost-preview')).toContainText(/Free: rides on the open service conversation until/);
    await page.screenshot({ path: 'e2e/screenshots/rules-free-text-sent.png' });
  });

  test('F.4: STOP arrives, and the next send is refused', async ({ page }) => {
    const { org, agent, number } = await acme();
    // The sidebar's status checks pass through until told to hold, so it has not heard of the STOP when the agent
    // presses Send; those already on their way are waited for before the STOP arrives.
    const held: Route[] = [];
    let holding = false;
    let passing = 0;
    await page.route('**/api/conversations/status?**', async (route) => {
      if (holding) return void held.push(route);
      passing += 1;
      try {
        await route.fulfill({ response: await route.fetch() });
      } catch {
        // The page moved on; nothing waits for this answer.
      } finally {
        passing -= 1;
      }
    });
    const { frame, customer } = await sidebarWithFreshCustomer(page, agent);
    await frame.getByTestId('template-select').selectOption({ label: 'login_code' });
    await frame.getByTestId('template-var-1').fill('123456');
    await frame.getByTestId('send-button').click();
    await expect(frame.getByTestId('send-success')).toBeVisible();

    holding = true;
    await expect.poll(() => passing).toBe(0);
    await sandbox('/sandbox/kaleyra/incoming', { to: number, from: customer.e164, body: 'Stop' });
    await frame.getByTestId('template-var-1').fill('654321');
    await frame.getByTestId('send-button').click();
    await expect(frame.getByTestId('send-error')).toContainText(/opted out of WhatsApp messages.*nothing was sent/);
    await page.unroute('**/api/conversations/status?**');
    for (const r of held) await r.continue().catch(() => {});

    // From now on the sidebar shows the opt-out and does not let anything be sent.
    await expect(frame.getByTestId('opt-out-status')).toContainText(/Opted out.*replied STOP.*START/);
    await frame.getByTestId('opt-out-status').scrollIntoViewIfNeeded();
    await expect(frame.getByTestId('send-button')).toBeDisabled();
    await expect(frame.getByTestId('send-hint')).toContainText('opted out');
    await page.screenshot({ path: 'e2e/screenshots/rules-opted-out.png' });
    // Exactly one message reached Kaleyra.
    const atKaleyra = await sandbox<{ messages: unknown[] }>(`/sandbox/kaleyra/messages?to=${encodeURIComponent(customer.e164)}`);
    expect(atKaleyra.messages).toHaveLength(1);

    // START opts the customer back in.
    await sandbox('/sandbox/kaleyra/incoming', { to: number, from: customer.e164, body: 'START' });
    await expect(frame.getByTestId('opt-out-status')).toHaveCount(0, { timeout: 15_000 });
    const bff = await apiAs(org, 'agent');
    const r = await bff.call(`/api/conversations/status?numberId=${bff.numberId}&to=${encodeURIComponent(customer.e164)}`);
    expect(r.body.optOut).toBeNull();
  });

  test('a failed opening message gives its conversation back', async ({ page }) => {
    const { agent, number } = await acme();
    const { frame, customer } = await sidebarWithFreshCustomer(page, agent);
    const before = await balanceIn(frame);

    await sandbox('/sandbox/kaleyra/fail-next', { mode: '131026', number, to: customer.e164 });
    await frame.getByTestId('template-select').selectOption({ label: 'order_shipped' });
    await frame.getByTestId('template-var-1').fill('Ann');
    await frame.getByTestId('template-var-2').fill('#B-2002');
    await frame.getByTestId('template-var-3').fill('Tuesday');
    await expect(frame.getByTestId('cost-preview')).toContainText(`uses 1 of ${before}`);
    await frame.getByTestId('send-button').click();

    const list = frame.getByTestId('message-list');
    await expect(list.locator('[data-status="failed"]')).toHaveCount(1, { timeout: 20_000 });
    await expect(list).toContainText(/could not deliver this message/i);
    await expect(list).toContainText('No conversation used');
    await expectBalance(frame, before);
    await expect(frame.getByTestId('cost-preview')).toContainText(`uses 1 of ${before}`);
    await list.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/rules-failed-opener.png' });
  });

  test('a chosen error code shows its message', async ({ page }) => {
    const { agent, number } = await acme();
    const { frame, customer } = await sidebarWithFreshCustomer(page, agent);
    const before = await balanceIn(frame);
    await frame.getByTestId('template-select').selectOption({ label: 'login_code' });
    await frame.getByTestId('template-var-1').fill('000111');

    const refusedAtOnce: [string, RegExp][] = [
      ['E110', /run out of credit/],
      ['WAV2101', /daily limit of new customers/],
      ['WA401', /API version/],
    ];
    for (const [code, message] of refusedAtOnce) {
      await sandbox('/sandbox/kaleyra/fail-next', { mode: code, number, to: customer.e164 });
      await frame.getByTestId('send-button').click();
      await expect(frame.getByTestId('send-error'), code).toContainText(message);
    }

    const reportedLater: [string, RegExp][] = [
      ['131047', /More than 24 hours have passed/],
      ['131049', /held this marketing message back/],
      ['131056', /Too many messages to this customer/],
      ['130429', /sending speed limit/],
      ['not-sent', /never reached WhatsApp/],
    ];
    // Refused sends are listed too, with the same words.
    const errors = frame.locator('[data-testid^="message-error-"]');
    await expect(errors).toHaveCount(refusedAtOnce.length);
    await expect(errors.first()).toContainText('(WA401)');
    for (const [i, [code, message]] of reportedLater.entries()) {
      await sandbox('/sandbox/kaleyra/fail-next', { mode: code, number, to: customer.e164 });
      await frame.getByTestId('template-var-1').fill(String(100000 + i));
      await frame.getByTestId('send-button').click();
      await expect(errors, code).toHaveCount(refusedAtOnce.length + i + 1, { timeout: 20_000 });
      // Newest first.
      await expect(errors.first(), code).toContainText(message);
      await expect(errors.first(), code).toContainText(`(${code})`);
    }
    // Every failure gave back what it spent.
    await expectBalance(frame, before);
    await errors.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/rules-error-codes.png' });
  });

  test('templates sync on "sync now": header, buttons, and rejected or paused ones with the reason', async ({ page }) => {
    const { org, agent } = await acme();
    const waba = (await sandbox<{ numbers: { number: string; waba_id: string }[] }>('/sandbox/kaleyra/numbers')).numbers.find(
      (n) => n.number === org.whatsapp_numbers[0]!.number,
    )!.waba_id;
    const name = `e2e_teaser_${Date.now().toString(36)}`;
    const { frame } = await sidebarWithFreshCustomer(page, agent);
    const select = frame.getByTestId('template-select');
    await expect(select.locator('option', { hasText: 'order_shipped' })).toHaveCount(1);
    await expect(select.locator('option', { hasText: name })).toHaveCount(0);

    // A template is created in WhatsApp Manager and rejected.
    const res = await fetch(`${SANDBOX}/v2/HXSANDBOX01/whatsapp/${waba}/message_templates`, {
      method: 'POST',
      headers: { 'api-key': 'sandbox-kaleyra-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        language: 'en_US',
        category: 'MARKETING',
        status: 'REJECTED',
        rejected_reason: 'TAG_CONTENT_MISMATCH',
        components: [{ type: 'BODY', text: 'Hi {{1}}, something big is coming.' }],
      }),
    });
    expect(res.status).toBe(201);
    await frame.getByTestId('template-sync').click();
    await expect(select.locator('option[disabled]', { hasText: name })).toHaveText(/rejected/);
    await frame.getByTestId('templates-unavailable').locator('summary').click();
    await expect(frame.getByTestId(`template-unavailable-${name}`)).toContainText('TAG_CONTENT_MISMATCH');

    // WhatsApp pauses it: sync now shows the new status and its reason.
    await sandbox(`/sandbox/kaleyra/templates/${waba}/${name}/status`, { status: 'PAUSED' });
    await frame.getByTestId('template-sync').click();
    await expect(select.locator('option[disabled]', { hasText: name })).toHaveText(/paused/);
    await expect(frame.getByTestId(`template-unavailable-${name}`)).toContainText(/Paused by WhatsApp/);
    await expect(frame.getByTestId('templates-synced-at')).toContainText('Synced');

    // Header and buttons of an approved template show in the preview.
    await select.selectOption({ label: 'order_shipped' });
    await expect(frame.getByTestId('template-preview')).toContainText('Order update');
    await expect(frame.getByTestId('template-preview')).toContainText('Track');
    await page.screenshot({ path: 'e2e/screenshots/rules-templates.png' });
  });
});

test.describe('owners keep the suppression list in the fullscreen app', () => {
  test('F.4: search, add with a reason, import and export CSV (errors by line), remove', async ({ page }) => {
    const { owner, number } = await acme();
    // A customer opts out by replying STOP in their own language.
    const stopped = freshCustomer();
    await sandbox('/sandbox/kaleyra/incoming', { to: number, from: stopped.e164, body: 'ARRÊT' });

    const app = await openApp(page, owner);
    await app.getByTestId('tab-opt-outs').click();
    await expect(app.getByTestId('opt-outs-page')).toBeVisible();

    // The customer's own opt-out is there.
    await app.getByTestId('opt-out-search').fill(stopped.e164.slice(-8));
    await expect(app.getByTestId(`opt-out-row-${stopped.e164}`)).toContainText('Replied STOP');

    // Add one with a reason.
    const manual = freshCustomer();
    await app.getByTestId('opt-out-add-phone').fill(manual.display);
    await expect(app.getByTestId('opt-out-add-submit')).toBeDisabled();
    await app.getByTestId('opt-out-add-reason').fill('Asked by phone not to be contacted');
    await app.getByTestId('opt-out-add-submit').click();
    await expect(app.getByTestId('opt-out-add-done')).toContainText('will not be messaged');
    await app.getByTestId('opt-out-search').fill(manual.e164.slice(-8));
    await expect(app.getByTestId(`opt-out-row-${manual.e164}`)).toContainText('Asked by phone not to be contacted');

    // Import: one bad line is reported by its line number and nothing is imported; then skip it.
    const a = freshCustomer();
    const b = freshCustomer();
    const csv = `phone,reason\n${a.e164},from our CRM\n${b.e164.slice(3)},no plus\n${b.e164},\n`;
    await app
      .getByTestId('opt-out-import-file')
      .setInputFiles({ name: 'unsubscribed.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect(app.getByTestId('opt-out-import-result')).toContainText('Nothing was imported');
    await expect(app.getByTestId('opt-out-import-errors')).toContainText(/Line 3: .*country code/);
    await page.screenshot({ path: 'e2e/screenshots/optouts-import-errors.png' });
    await app.getByTestId('opt-out-import-skip').click();
    await expect(app.getByTestId('opt-out-import-result')).toContainText('2 added');
    await app.getByTestId('opt-out-search').fill(a.e164.slice(-8));
    await expect(app.getByTestId(`opt-out-row-${a.e164}`)).toContainText('from our CRM');

    // Export: every entry, in CSV.
    await app.getByTestId('opt-out-search').fill('');
    const download = page.waitForEvent('download');
    await app.getByTestId('opt-out-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^whatsapp-opt-outs-.*\.csv$/);
    const exported = await readFile((await file.path())!, 'utf8');
    expect(exported.split('\r\n')[0]).toBe('phone,reason,source,opted_out_at,added_by');
    for (const c of [stopped, manual, a, b]) expect(exported).toContain(c.e164);
    await page.screenshot({ path: 'e2e/screenshots/optouts-list.png', fullPage: true });

    // Remove the manual entry.
    await app.getByTestId('opt-out-search').fill(manual.e164.slice(-8));
    await app.getByTestId(`opt-out-remove-${manual.e164}`).click();
    await app.getByTestId(`opt-out-remove-confirm-${manual.e164}`).click();
    await expect(app.getByTestId(`opt-out-row-${manual.e164}`)).toHaveCount(0);
    await expect(app.getByTestId('opt-outs-empty')).toBeVisible();
  });

  test('F.4: a number adds an opt-out instruction to marketing templates', async ({ page }) => {
    const [, bistro] = await orgs();
    const owner = bistro!.accounts.find((a) => a.role === 'owner')!.email;
    const number = bistro!.whatsapp_numbers[0]!.number;
    const waba = (await sandbox<{ numbers: { number: string; waba_id: string }[] }>('/sandbox/kaleyra/numbers')).numbers.find(
      (n) => n.number === number,
    )!.waba_id;
    const name = `e2e_promo_${Date.now().toString(36)}`;
    // A marketing template that does not say how to opt out.
    await fetch(`${SANDBOX}/v2/HXSANDBOX01/whatsapp/${waba}/message_templates`, {
      method: 'POST',
      headers: { 'api-key': 'sandbox-kaleyra-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        language: 'en_US',
        category: 'MARKETING',
        components: [{ type: 'BODY', text: 'Hi {{1}}, our terrace opens this week.' }],
      }),
    });

    const app = await openApp(page, owner);
    await app.getByTestId('tab-opt-outs').click();
    const settings = app
      .locator('[data-testid^="opt-out-instruction-"]')
      .filter({ has: app.getByTestId('opt-out-instruction-save') })
      .first();
    await settings.getByRole('checkbox').check({ force: true });
    await settings.getByTestId('opt-out-instruction-text').fill('Reply STOP to opt out');
    await settings.getByTestId('opt-out-instruction-save').click();
    await expect(settings.getByTestId(`instruction-template-${name}`)).toContainText('Instruction added', { timeout: 20_000 });
    await expect(settings.getByTestId('instruction-template-spring_sale')).toContainText('Has its own');
    await page.screenshot({ path: 'e2e/screenshots/optouts-instruction.png', fullPage: true });

    // The copy WhatsApp approved carries the instruction as its footer.
    const copies = await fetch(`${SANDBOX}/v2/HXSANDBOX01/whatsapp/${waba}/message_templates`, {
      headers: { 'api-key': 'sandbox-kaleyra-key' },
    }).then((r) => r.json() as Promise<{ data: { name: string; components: { type: string; text?: string }[] }[] }>);
    const copy = copies.data.find((t) => t.name.startsWith(`${name}_optout_`))!;
    expect(copy.components.find((c) => c.type === 'FOOTER')?.text).toBe('Reply STOP to opt out');

    // Off again, so the rest of the suite sends as before.
    await settings.getByRole('checkbox').uncheck({ force: true });
    await settings.getByTestId('opt-out-instruction-save').click();
    await expect(settings.getByTestId(`instruction-template-${name}`)).toContainText('Sent as it is');
  });
});
