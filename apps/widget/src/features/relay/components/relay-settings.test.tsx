import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { RelayNumber, RelayStatus } from '@wa/contracts';
import { sessionStore } from '../../../lib/auth/session.ts';
import { json, mockFetch } from '../../../test/fetch-mock.ts';
import { renderWithQueries } from '../../../test/render.tsx';
import { RelaySettings } from './relay-settings.tsx';

// LiveChat's sign-in popup: the fake SDK answers the authorization-code grant at once and records how it was asked.
const accounts = vi.hoisted(() => ({
  options: [] as Record<string, unknown>[],
  answer: { code: 'code-from-livechat' } as Record<string, unknown>,
}));
vi.mock('@livechat/accounts-sdk', () => ({
  default: class FakeAccountsSdk {
    constructor(readonly options: Record<string, unknown>) {
      accounts.options.push(options);
    }
    popup() {
      return { authorize: () => Promise.resolve(accounts.answer) };
    }
  },
}));

const number = (overrides: Partial<RelayNumber> = {}): RelayNumber => ({
  numberId: 'num-1',
  number: '+48221234567',
  displayName: 'Acme Shoes',
  enabled: false,
  groupId: null,
  status: 'off',
  lastFailure: null,
  ...overrides,
});

const status = (auth: RelayStatus['authorization']['status'], numbers: RelayNumber[] = [number()]): RelayStatus => ({
  authorization: {
    status: auth,
    connected: auth === 'connected',
    accountId: auth === 'not_connected' ? null : 'owner-1',
    connectedAt: auth === 'not_connected' ? null : '2026-12-01T09:00:00.000Z',
  },
  numbers,
});

const groups = {
  groups: [
    { id: 0, name: 'General' },
    { id: 1, name: 'WhatsApp' },
  ],
};
const livechat = { accountsUrl: 'http://accounts.test', clientId: 'wa-livechat-app' };

function renderSettings(canManage = true) {
  renderWithQueries(<RelaySettings canManage={canManage} accounts={livechat} />);
}

describe('RelaySettings', () => {
  beforeEach(() => {
    sessionStore.signIn('token-1', 3600);
    accounts.options.length = 0;
  });
  afterEach(() => sessionStore.reset());

  it('tells an agent who can turn it on, without asking the manager-only API', async () => {
    const { calls } = mockFetch({});
    renderSettings(false);
    expect(await screen.findByTestId('relay-readonly-note')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });

  it('connects LiveChat with the authorization-code grant and hands the code to the BFF', async () => {
    let current = status('not_connected');
    const { calls } = mockFetch({
      'GET /api/relay': () => json(200, current),
      'GET /api/relay/groups': () => json(200, groups),
      'POST /api/relay/authorization': () => {
        current = status('connected');
        return json(200, current);
      },
    });
    renderSettings();
    expect((await screen.findByTestId('relay-connection-status')).textContent).toBe('Not connected');
    const connect = screen.getByTestId('relay-connect');
    expect(connect.textContent).toContain('Connect LiveChat');
    await waitFor(() => expect((connect as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(connect);

    await waitFor(() => expect(screen.getByTestId('relay-connection-status').textContent).toBe('Connected'));
    expect(accounts.options[0]).toMatchObject({ response_type: 'code', client_id: 'wa-livechat-app', server_url: 'http://accounts.test' });
    expect(String(accounts.options[0]?.scope)).toContain('customers:own');
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url.pathname).toBe('/api/relay/authorization');
    expect(post?.body).toEqual({ code: 'code-from-livechat', redirectUri: accounts.options[0]?.redirect_uri });
  });

  it('offers "Reconnect" and shows the last failure when LiveChat refused the authorization', async () => {
    mockFetch({
      'GET /api/relay': () =>
        json(
          200,
          status('reconnect_needed', [
            number({
              enabled: true,
              groupId: 1,
              status: 'reconnect_needed',
              lastFailure: {
                at: '2026-12-05T10:42:00.000Z',
                direction: 'inbound',
                code: 'livechat_unavailable',
                summary: 'LiveChat refused the app’s authorization.',
              },
            }),
          ]),
        ),
    });
    renderSettings();
    expect((await screen.findByTestId('relay-connection-status')).textContent).toBe('Reconnect needed');
    expect(screen.getByTestId('relay-connect').textContent).toContain('Reconnect');
    expect(screen.getByRole('alert').textContent).toMatch(/wait in the queue/);
    expect(screen.getByTestId('relay-number-status').textContent).toBe('Waiting for reconnection');
    expect(screen.getByTestId('relay-last-failure').textContent).toMatch(/from WhatsApp.*LiveChat refused/);
  });

  it('turns a number on with the group picked', async () => {
    let current = status('connected');
    const { calls } = mockFetch({
      'GET /api/relay': () => json(200, current),
      'GET /api/relay/groups': () => json(200, groups),
      'PUT /api/relay/numbers/num-1': (req) => {
        const body = req.body as { enabled: boolean; groupId: number };
        const updated = number({ enabled: body.enabled, groupId: body.groupId, status: body.enabled ? 'active' : 'off' });
        current = status('connected', [updated]);
        return json(200, updated);
      },
    });
    renderSettings();
    const row = await screen.findByTestId('relay-number');
    const select = within(row).getByTestId('relay-group') as HTMLSelectElement;
    expect(within(row).getByRole('combobox', { name: 'LiveChat group' })).toBe(select);
    await waitFor(() => expect(select.options).toHaveLength(2));
    fireEvent.change(select, { target: { value: '1' } });
    fireEvent.click(within(row).getByRole('checkbox', { name: /WhatsApp chats in LiveChat for Acme Shoes/ }));

    await waitFor(() => expect(within(screen.getByTestId('relay-number')).getByTestId('relay-number-status').textContent).toBe('On'));
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body).toEqual({ enabled: true, groupId: 1 });
  });

  it('keeps the switch off until LiveChat is connected', async () => {
    mockFetch({ 'GET /api/relay': () => json(200, status('not_connected')) });
    renderSettings();
    const row = await screen.findByTestId('relay-number');
    expect((within(row).getByRole('checkbox', { name: /WhatsApp chats in LiveChat for Acme Shoes/ }) as HTMLInputElement).disabled).toBe(
      true,
    );
  });
});
