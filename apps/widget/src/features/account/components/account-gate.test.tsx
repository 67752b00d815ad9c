import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { Account } from '@wa/contracts';
import { json, mockFetch } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest } from '../../../test/render.tsx';
import { AccountGate } from './account-gate.tsx';

function account(over: Partial<Account> = {}): Account {
  return {
    organizationId: 'org-1',
    status: 'active',
    statusReason: null,
    statusChangedAt: null,
    startedAt: '2026-11-20T10:00:00.000Z',
    timeZone: 'UTC',
    terms: {
      currentVersion: '2024-05-09',
      currentUrl: 'https://terms.example/whatsapp',
      effectiveDate: '2024-05-09',
      earlierUrl: null,
      onVersion: null,
      acceptanceRequired: true,
      accepted: null,
    },
    canSend: false,
    canBuy: false,
    blockedReason:
      'The owner of your LiveChat organization has to accept the WhatsApp Business terms before anything can be sent or bought.',
    blockedCode: 'terms_not_accepted',
    canAcceptTerms: false,
    ...over,
  };
}

const accepted = (a: Account): Account => ({
  ...a,
  terms: {
    ...a.terms,
    onVersion: '2024-05-09',
    acceptanceRequired: false,
    accepted: { version: '2024-05-09', acceptedAt: '2026-11-25T10:00:00.000Z', accountId: 'owner-1', acceptedBy: 'Olivia' },
  },
  canSend: true,
  canBuy: true,
  blockedReason: null,
  blockedCode: null,
});

function renderGate() {
  return renderWithQueries(
    <AccountGate>
      <p data-testid="app">the app</p>
    </AccountGate>,
  );
}

describe('AccountGate', () => {
  signedInForEachTest();

  it('terms: an agent waits for the owner and sees nothing to send with', async () => {
    mockFetch({ 'GET /api/account': () => json(200, account()) });
    renderGate();
    expect((await screen.findByTestId('terms-waiting')).textContent).toMatch(/owner of your LiveChat organization has to accept/);
    expect(screen.queryByTestId('app')).toBeNull();
  });

  it('terms: the owner reads the configured terms, agrees and accepts the version in force with their time zone', async () => {
    let current = account({ canAcceptTerms: true });
    const { calls } = mockFetch({
      'GET /api/account': () => json(200, current),
      'POST /api/terms/acceptance': () => {
        current = accepted(current);
        return json(201, current);
      },
    });
    renderGate();
    expect((await screen.findByTestId('terms-link')).getAttribute('href')).toBe('https://terms.example/whatsapp');
    const accept = screen.getByTestId('terms-accept');
    expect((accept as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox'));
    fireEvent.click(accept);
    expect(await screen.findByTestId('app')).toBeTruthy();
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toMatchObject({ version: '2024-05-09', timeZone: expect.any(String) });
  });

  it('F.2: a suspended business sees why, above the app', async () => {
    mockFetch({
      'GET /api/account': () =>
        json(200, {
          ...accepted(account()),
          status: 'suspended',
          statusReason: 'spam complaints',
          canSend: false,
          canBuy: false,
          blockedCode: 'organization_suspended',
          blockedReason:
            'Your WhatsApp Business account is suspended by the service operator: nothing can be sent or bought until it is restored (terms Parts F.2 and J). Reason given: spam complaints',
        }),
    });
    renderGate();
    const banner = await screen.findByTestId('account-blocked');
    expect(banner.textContent).toMatch(/suspended by the service operator.*Reason given: spam complaints/);
    expect(screen.getByTestId('app')).toBeTruthy();
  });

  it('C.5: after an uninstall, the owner can start again from zero', async () => {
    let current = account({ ...accepted(account()), status: 'uninstalled', canAcceptTerms: true });
    mockFetch({
      'GET /api/account': () => json(200, current),
      'POST /api/account/reactivate': () => {
        current = account({ canAcceptTerms: true });
        return json(200, current);
      },
    });
    renderGate();
    expect((await screen.findByTestId('account-uninstalled')).textContent).toMatch(/starts from zero/);
    fireEvent.click(screen.getByRole('button', { name: /start again/i }));
    await waitFor(() => expect(screen.getByTestId('terms-acceptance')).toBeTruthy());
  });
});
