import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import type { Message } from '@wa/contracts';
import { json, mockFetch, problem, type RecordedRequest } from '../../test/fetch-mock.ts';
import {
  balance,
  chooseOrderUpdate,
  customer,
  fill,
  number,
  renderScreen,
  routes,
  sendButton,
  sentMessage,
  livechat,
  signedInWithCustomerA,
} from './details-screen-test-kit.tsx';
import DetailsScreen from './details-screen.tsx';

describe('DetailsScreen send form', () => {
  signedInWithCustomerA();

  it("shows the customer's number from the pre-chat survey and the balance", async () => {
    mockFetch(routes());
    renderScreen();
    expect(screen.getByTestId('customer-number').textContent).toBe('+44 20 7946 0958');
    expect((await screen.findByTestId('balance-remaining')).textContent).toBe('250');
    expect((await screen.findByTestId('sending-number')).textContent).toContain('Acme Support');
  });

  it('keeps Send disabled until every variable is filled, and previews them', async () => {
    mockFetch(routes());
    renderScreen();
    await chooseOrderUpdate();

    expect(screen.getByTestId('template-category').textContent).toBe('Utility');
    expect(sendButton().disabled).toBe(true);
    expect(screen.getByLabelText('Variable 1')).toBe(screen.getByTestId('template-var-1'));
    expect(screen.getByTestId('template-preview').textContent).toContain('Hello {{1}}, your order {{2}} has shipped.');

    fill('template-var-1', 'Jane');
    expect(sendButton().disabled).toBe(true);
    expect(screen.getByTestId('template-preview').textContent).toContain('Hello Jane, your order {{2}} has shipped.');

    fill('template-var-2', 'A-1001');
    expect(sendButton().disabled).toBe(false);
    const preview = screen.getByTestId('template-preview').textContent;
    expect(preview).toContain('Order update');
    expect(preview).toContain('Hello Jane, your order A-1001 has shipped.');
    expect(preview).toContain('Acme Inc.');
    expect(preview).toContain('Track order');

    await waitFor(() => expect(screen.getByTestId('cost-preview').textContent).toBe('Opens a conversation: uses 1 of 250'));
  });

  it('sends the template, confirms with a toast and refreshes balance, quote and history', async () => {
    let sent: Message | null = null;
    const { calls } = mockFetch(
      routes({
        'POST /api/messages': () => {
          sent = sentMessage('m-1', 'accepted');
          return json(201, { message: sent, openedConversation: true, balance: { ...balance, remaining: 249 } });
        },
        'GET /api/messages': () => json(200, { messages: sent ? [sent] : [] }),
        'GET /api/balance': () => json(200, sent ? { ...balance, remaining: 249 } : balance),
      }),
    );
    renderScreen();
    await chooseOrderUpdate();
    fill('template-var-1', 'Jane');
    fill('template-var-2', 'A-1001');
    fireEvent.click(sendButton());

    await screen.findByTestId('send-success');
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toMatchObject({
      kind: 'template',
      numberId: 'num-1',
      to: '+442079460958',
      templateName: 'order_update',
      language: 'en_US',
      variables: ['Jane', 'A-1001'],
      chatId: 'chat-a',
    });
    expect((post.body as { clientRef: string }).clientRef).toMatch(/^[0-9a-f-]{36}$/);
    expect(livechat.toast).toHaveBeenCalledWith({ kind: 'success', content: expect.stringContaining('+44 20 7946 0958') });
    await waitFor(() => expect(screen.getByTestId('balance-remaining').textContent).toBe('249'));
    const item = await screen.findByTestId('message-m-1');
    expect(within(item).getByTestId('message-status-m-1').textContent).toBe('Accepted');
    const quoteCalls = calls.filter((c) => c.url.pathname === '/api/conversations/quote');
    await waitFor(() => expect(quoteCalls.length).toBeGreaterThanOrEqual(1));
  });

  it("shows the problem's detail when the BFF refuses, and field errors next to the fields", async () => {
    mockFetch(
      routes({
        'POST /api/messages': () =>
          problem(422, {
            code: 'template_variables',
            detail: 'Variable 2 is too long for WhatsApp.',
            errors: [{ path: 'variables.1', message: 'At most 60 characters' }],
          }),
      }),
    );
    renderScreen();
    await chooseOrderUpdate();
    fill('template-var-1', 'Jane');
    fill('template-var-2', 'A'.repeat(100));
    fireEvent.click(sendButton());

    expect((await screen.findByTestId('send-error')).textContent).toContain('Variable 2 is too long for WhatsApp.');
    expect(screen.getByText('At most 60 characters')).toBeTruthy();
    expect(livechat.toast).not.toHaveBeenCalled();
  });

  it('reuses the idempotency key when the same request is retried after a network failure', async () => {
    let failures = 3;
    const { calls } = mockFetch(
      routes({
        'POST /api/messages': () => {
          if (failures-- > 0) throw new TypeError('Failed to fetch');
          return json(201, { message: sentMessage('m-2', 'accepted'), openedConversation: false, balance });
        },
      }),
    );
    renderScreen();
    await chooseOrderUpdate();
    fill('template-var-1', 'Jane');
    fill('template-var-2', 'A-1001');
    fireEvent.click(sendButton());
    // Two quiet retries (same key), then the error is shown.
    expect((await screen.findByTestId('send-error', {}, { timeout: 5000 })).textContent).toMatch(/Can't reach/);

    fireEvent.click(sendButton());
    await screen.findByTestId('send-success');
    fireEvent.click(sendButton());
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(5));

    const refs = calls.filter((c) => c.method === 'POST').map((c: RecordedRequest) => (c.body as { clientRef: string }).clientRef);
    expect(new Set(refs.slice(0, 4)).size).toBe(1);
    expect(refs[4]).not.toBe(refs[0]);
  }, 10_000);

  it('a provider refusal is final: sending again is a new message with a new idempotency key', async () => {
    let answers = 0;
    const { calls } = mockFetch(
      routes({
        'POST /api/messages': () =>
          answers++ === 0
            ? problem(502, {
                code: 'provider_error',
                providerCode: 'E110',
                detail: 'The Kaleyra account that sends these messages has run out of credit.',
              })
            : json(201, { message: sentMessage('m-3', 'accepted'), openedConversation: true, balance }),
      }),
    );
    renderScreen();
    await chooseOrderUpdate();
    fill('template-var-1', 'Jane');
    fill('template-var-2', 'A-1001');
    fireEvent.click(sendButton());
    expect((await screen.findByTestId('send-error')).textContent).toContain('run out of credit');
    fireEvent.click(sendButton());
    await screen.findByTestId('send-success');
    const refs = calls.filter((c) => c.method === 'POST').map((c) => (c.body as { clientRef: string }).clientRef);
    expect(refs).toHaveLength(2);
    expect(refs[1]).not.toBe(refs[0]);
  });

  it("asks for the number when the profile has none, with the reason it isn't valid", async () => {
    livechat.profile = customer('b', null, '');
    mockFetch(routes());
    renderScreen();
    const input = screen.getByLabelText("Customer's WhatsApp number");
    expect(input).toBe(screen.getByTestId('customer-number-input'));
    fill('customer-number-input', '7400 123456');
    expect(screen.getByTestId('customer-number-error').textContent).toBe('Add the country code, e.g. +44');
    fill('customer-number-input', '+44 7400 123456');
    expect(screen.queryByTestId('customer-number-error')).toBeNull();
  });

  it('resets to the new customer when the agent opens another chat', async () => {
    mockFetch(routes());
    const view = renderScreen();
    await chooseOrderUpdate();
    fill('template-var-1', 'Jane');
    fireEvent.click(screen.getByTestId('customer-number-change'));
    fill('customer-number-input', '+1 415 555 2671');

    livechat.profile = customer('c', '+48 601 234 567');
    act(() =>
      view.rerender(
        <QueryClientProvider client={view.client}>
          <DetailsScreen />
        </QueryClientProvider>,
      ),
    );
    expect(screen.getByTestId('customer-number').textContent).toBe('+48 601 234 567');
    expect((screen.getByTestId('template-var-1') as HTMLInputElement).value).toBe('');
  });

  it('tells the agent to ask an owner when no number is connected', async () => {
    mockFetch(routes({ 'GET /api/numbers': () => json(200, { numbers: [] }) }));
    renderScreen();
    expect((await screen.findByTestId('no-numbers')).textContent).toContain('Ask an owner to connect a WhatsApp number');
    expect(screen.queryByTestId('send-button')).toBeNull();
  });

  it("disables sending with the number's reason when it cannot send", async () => {
    mockFetch(
      routes({
        'GET /api/numbers': () =>
          json(200, { numbers: [{ ...number, canSend: false, planStatus: 'past_due', cannotSendReason: 'The plan payment is overdue.' }] }),
      }),
    );
    renderScreen();
    expect((await screen.findByTestId('cannot-send-reason')).textContent).toContain('The plan payment is overdue.');
    await chooseOrderUpdate();
    fill('template-var-1', 'Jane');
    fill('template-var-2', 'A-1001');
    expect(sendButton().disabled).toBe(true);
  });
});
