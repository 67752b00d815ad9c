import { expect, type FrameLocator, type Page } from '@playwright/test';

export const SANDBOX = process.env.E2E_SANDBOX_URL ?? 'http://localhost:4110';
export const BFF = process.env.E2E_BFF_URL ?? 'http://127.0.0.1:3110';

export async function sandbox<T = unknown>(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
  const res = await fetch(`${SANDBOX}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface SandboxOrg {
  id: string;
  name: string;
  accounts: { email: string; role: 'owner' | 'agent' }[];
  whatsapp_numbers: { number: string; api_version: 'v1' | 'v2' }[];
}

export async function orgs(): Promise<SandboxOrg[]> {
  return (await sandbox<{ organizations: SandboxOrg[] }>('/sandbox/orgs')).organizations;
}

export const detailsFrame = (page: Page): FrameLocator => page.frameLocator('iframe[src*="/widget/details.html"]');
export const fullscreenFrame = (page: Page): FrameLocator => page.frameLocator('iframe[src*="/widget/fullscreen.html"]');

/**
 * Signs in through the sandbox's OAuth popup, as a person would: a click that started nothing (no window, and the
 * button still offers to sign in) is clicked again, once. It happens about once a run, to a click that lands right
 * after the widget's frame was created or shown. Most likely Chromium had not composited the new cross-origin frame
 * yet and hit-tested the click to the page around it, as it would a person's too-quick first click.
 */
export async function signIn(page: Page, frame: FrameLocator, email: string) {
  const button = frame.getByRole('button', { name: /sign in/i });
  const first = page.waitForEvent('popup', { timeout: 20_000 }).catch(() => null);
  await button.click();
  let popup = await Promise.race([first, new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
  if (!popup && (await button.isEnabled())) {
    console.warn('the sign-in click opened no window; clicking again');
    const second = page.waitForEvent('popup');
    await button.click();
    popup = await second;
  }
  popup ??= await first;
  if (!popup) throw new Error('no sign-in window opened');
  const closed = popup.waitForEvent('close');
  await popup.locator(`[data-account="${email}"]`).click();
  await closed;
  await expect(frame.getByRole('button', { name: /sign out/i })).toBeVisible();
}

/** The agent app's left-nav "WhatsApp Business" icon, then sign in inside the fullscreen app. */
export async function openApp(page: Page, email: string): Promise<FrameLocator> {
  await page.goto('/');
  await page.getByTestId('nav-app-whatsapp').click();
  const app = fullscreenFrame(page);
  await signIn(page, app, email);
  return app;
}

/** The chat sidebar beside the agent app's chats, signed in. */
export async function openSidebar(page: Page, email: string): Promise<FrameLocator> {
  await page.goto('/');
  const frame = detailsFrame(page);
  await signIn(page, frame, email);
  return frame;
}

/** Selects Maria's seeded chat, whose pre-chat survey carries her phone number. */
export async function openMariasChat(page: Page) {
  await page
    .getByTestId('chat-chat-maria')
    .click()
    .catch(async () => {
      await page.getByText('Maria Lopez').first().click();
    });
}

/** Points the sidebar at a customer's number ("Change" is offered only once a number is shown). */
export async function talkTo(frame: FrameLocator, e164: string) {
  await frame
    .getByRole('button', { name: /change/i })
    .click()
    .catch(() => {});
  await frame.getByTestId('customer-number-input').fill(e164);
}

/** The signed-in sidebar talking to a customer nobody has messaged. */
export async function sidebarWithFreshCustomer(page: Page, email: string) {
  const frame = await openSidebar(page, email);
  const customer = freshCustomer();
  await talkTo(frame, customer.e164);
  return { frame, customer };
}

/** A random valid Polish mobile number, so each test talks to a customer nobody has messaged. */
export function freshCustomer(): { e164: string; display: string } {
  const rest = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  return { e164: `+485${rest}`.slice(0, 12), display: `+48 5${rest.slice(0, 2)} ${rest.slice(2, 5)} ${rest.slice(5, 8)}` };
}

export async function balanceIn(frame: FrameLocator): Promise<number> {
  const text = await frame.getByTestId('balance-remaining').first().innerText();
  const m = /(\d[\d,\s]*)/.exec(text);
  if (!m?.[1]) throw new Error(`no balance in "${text}"`);
  return Number(m[1].replace(/[,\s]/g, ''));
}

export async function expectBalance(frame: FrameLocator, value: number) {
  await expect.poll(() => balanceIn(frame), { timeout: 15_000 }).toBe(value);
}

export const emailOf = (org: SandboxOrg, role: 'owner' | 'agent') => org.accounts.find((a) => a.role === role)!.email;

/** The first seeded organization (Acme) with its agent's and owner's e-mails and its WhatsApp number. */
export async function acme(): Promise<{ org: SandboxOrg; agent: string; owner: string; number: string }> {
  const [org] = await orgs();
  return {
    org: org!,
    agent: emailOf(org!, 'agent'),
    owner: emailOf(org!, 'owner'),
    number: org!.whatsapp_numbers[0]!.number,
  };
}

/** The BFF as a signed-in member's browser calls it (for what the UI never lets them try, or to check state). */
export async function apiAs(org: SandboxOrg, role: 'owner' | 'agent') {
  const { access_token: token } = await sandbox<{ access_token: string }>('/sandbox/tokens', { organization: org.id, role });
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${BFF}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const numbers = (await call('/api/numbers')).body.numbers as { id: string; number: string }[];
  return { call, numberId: numbers[0]!.id };
}
