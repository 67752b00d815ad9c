import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Template } from '@wa/contracts';
import { json, mockFetch } from '../../test/fetch-mock.ts';
import {
  balance,
  conversationStatus,
  orderUpdate,
  renderScreen,
  routes,
  sendButton,
  sentMessage,
  livechat,
  signedInWithCustomerA,
} from './details-screen-test-kit.tsx';

describe("WhatsApp's rules in the sidebar", () => {
  signedInWithCustomerA();

  const freeTextButton = () => screen.getByRole('button', { name: 'Free text' }) as HTMLButtonElement;

  it('with the window closed, free text is off with the reason and only templates are offered', async () => {
    mockFetch(
      routes({
        'GET /api/conversations/status': () =>
          json(200, conversationStatus({ customerWindow: { open: false, lastMessageAt: '2026-11-01T09:00:00.000Z', closesAt: null } })),
      }),
    );
    renderScreen();
    expect((await screen.findByTestId('customer-window')).dataset.open).toBe('false');
    expect(screen.getByTestId('window-closed-reason').textContent).toMatch(/more than 24 hours ago.*only allows approved templates/);
    expect(freeTextButton().disabled).toBe(true);
    expect(screen.getByTestId('free-text-blocked').textContent).toMatch(/Free text is off/);
    expect(screen.queryByTestId('free-text-input')).toBeNull();
    expect(screen.getByTestId('template-select')).toBeTruthy();
  });

  it('with the window open, the countdown ticks and free text is sent as text', async () => {
    const now = Date.now();
    const { calls } = mockFetch(
      routes({
        'GET /api/conversations/status': () =>
          json(
            200,
            conversationStatus({
              serverTime: new Date(now).toISOString(),
              customerWindow: {
                open: true,
                lastMessageAt: new Date(now - 60_000).toISOString(),
                closesAt: new Date(now + 24 * 3_600_000 - 60_000).toISOString(),
              },
              canSendText: true,
            }),
          ),
        'GET /api/conversations/quote': () =>
          json(200, {
            opensConversation: true,
            cost: 1,
            remaining: 250,
            conversationOpenUntil: new Date(now + 24 * 3_600_000).toISOString(),
            customerWindowOpenUntil: null,
            ridesOn: null,
          }),
        'POST /api/messages': () =>
          json(201, {
            message: { ...sentMessage('m-9', 'accepted'), kind: 'text', templateName: null, category: 'service' },
            openedConversation: true,
            balance,
          }),
      }),
    );
    renderScreen();
    const countdown = await screen.findByTestId('window-countdown');
    expect(countdown.textContent).toMatch(/^23:5[89]:\d\d$/);
    expect(screen.getByTestId('customer-window').dataset.open).toBe('true');
    // Free text is the default inside the window.
    const input = await screen.findByTestId('free-text-input');
    expect(sendButton().disabled).toBe(true);
    fireEvent.change(input, { target: { value: '  Your parcel left our warehouse today.  ' } });
    await waitFor(() => expect(screen.getByTestId('cost-preview').textContent).toBe('Opens a conversation: uses 1 of 250'));
    expect(sendButton().textContent).toContain('Send message');
    fireEvent.click(sendButton());
    await screen.findByTestId('send-success');
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({
      kind: 'text',
      text: 'Your parcel left our warehouse today.',
      to: '+442079460958',
    });
    expect((screen.getByTestId('free-text-input') as HTMLTextAreaElement).value).toBe('');
    expect(livechat.toast).toHaveBeenCalledWith({ kind: 'success', content: expect.stringContaining('WhatsApp message sent') });
    // The agent can still pick a template inside the window.
    fireEvent.click(screen.getByRole('button', { name: 'Template' }));
    expect(await screen.findByTestId('template-select')).toBeTruthy();
  });

  it('an opted-out customer: the sidebar says so and nothing can be sent', async () => {
    mockFetch(
      routes({
        'GET /api/conversations/status': () =>
          json(
            200,
            conversationStatus({ optOut: { source: 'keyword', reason: null, at: '2026-11-20T10:00:00.000Z' }, canSendTemplates: false }),
          ),
      }),
    );
    renderScreen();
    expect((await screen.findByTestId('opt-out-status')).textContent).toMatch(/Opted out.*replied STOP.*opt back in by sending START/);
    expect((await screen.findByTestId<HTMLSelectElement>('template-select')).disabled).toBe(true);
    expect(sendButton().disabled).toBe(true);
    expect(screen.getByTestId('send-hint').textContent).toMatch(/opted out/);
    expect(screen.queryByTestId('cost-preview')).toBeNull();
  });

  it('shows why a template cannot be sent, and previews the copy that carries the opt-out instruction', async () => {
    const sale: Template = { ...orderUpdate, name: 'big_sale', category: 'marketing', footer: null, buttons: [] };
    const saleCopy: Template = { ...sale, name: 'big_sale_optout_abc123', footer: 'Reply STOP to unsubscribe' };
    const rejected: Template = { ...orderUpdate, name: 'crypto', status: 'rejected', rejectedReason: 'PROMOTIONAL content not allowed' };
    const blockedSale: Template = { ...sale, name: 'flash_sale' };
    mockFetch(
      routes({
        'GET /api/numbers/num-1/templates': () =>
          json(200, { templates: [sale, saleCopy, rejected, blockedSale], syncedAt: '2026-11-20T10:00:00.000Z' }),
        'GET /api/numbers/num-1/opt-out-instruction': () =>
          json(200, {
            numberId: 'num-1',
            enabled: true,
            instruction: 'Reply STOP to unsubscribe',
            templates: [
              { name: 'big_sale', language: 'en_US', state: 'added', sendsAs: 'big_sale_optout_abc123', blockedReason: null },
              {
                name: 'flash_sale',
                language: 'en_US',
                state: 'waiting',
                sendsAs: null,
                blockedReason: 'The copy with the instruction is waiting for WhatsApp to review it.',
              },
            ],
            copies: [{ name: 'big_sale_optout_abc123', language: 'en_US' }],
          }),
      }),
    );
    renderScreen();
    const select = await screen.findByTestId<HTMLSelectElement>('template-select');
    await waitFor(() =>
      expect(Array.from(select.options, (o) => [o.text, o.disabled])).toEqual([
        ['Choose a template…', false],
        ['big_sale', false],
        ['crypto — rejected', true],
        ['flash_sale — not ready on this number', true],
      ]),
    );
    const why = screen.getByTestId('templates-unavailable');
    expect(within(why).getByTestId('template-unavailable-crypto').textContent).toMatch(
      /Rejected by WhatsApp: PROMOTIONAL content not allowed/,
    );
    expect(within(why).getByTestId('template-unavailable-flash_sale').textContent).toMatch(/waiting for WhatsApp to review/);
    expect(screen.getByTestId('templates-synced-at').textContent).toMatch(/Synced/);
    fireEvent.change(select, { target: { value: 'big_sale::en_US' } });
    expect(screen.getByTestId('template-preview').textContent).toContain('Reply STOP to unsubscribe');
  });
});
