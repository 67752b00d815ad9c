import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ConversationStatus, Message, Template, WhatsAppNumber } from '@wa/contracts';
import { sessionStore } from '../../lib/auth/session.ts';
import type { CustomerProfile } from '../../lib/livechat/types.ts';
import { json, mockFetch, problem, type Handler, type RecordedRequest } from '../../test/fetch-mock.ts';
import DetailsScreen from './details-screen.tsx';

// The Agent App is not here: stand in for the SDK hooks.
const livechat = vi.hoisted(() => ({ profile: null as unknown, toast: vi.fn() }));
vi.mock('../../lib/livechat/hooks.tsx', () => ({
  useCustomerProfile: () => livechat.profile,
  useLiveChatWidget: () => ({ widget: null, status: 'ready' }),
  useToast: () => livechat.toast,
  useTheme: () => 'light',
}));

function customer(id: string, phone: string | null, countryCode = 'GB'): CustomerProfile {
  return {
    id,
    name: `Customer ${id}`,
    geolocation: { country: '', country_code: countryCode, region: '', city: '', timezone: '' },
    chat: { id: `chat-${id}`, groupID: '0', preChatSurvey: phone ? [{ question: 'Phone number', answer: phone }] : [] },
    source: 'chats',
  };
}

const number: WhatsAppNumber = {
  id: 'num-1',
  number: '+14155550100',
  displayName: 'Acme Support',
  apiVersion: 'v2',
  wabaId: 'waba-1',
  planStatus: 'active',
  canSend: true,
  cannotSendReason: null,
  createdAt: '2026-11-01T10:00:00.000Z',
};

const orderUpdate: Template = {
  name: 'order_update',
  language: 'en_US',
  category: 'utility',
  status: 'approved',
  header: 'Order update',
  body: 'Hello {{1}}, your order {{2}} has shipped.',
  footer: 'Acme Inc.',
  buttons: [{ type: 'QUICK_REPLY', text: 'Track order' }],
  variableCount: 2,
  rejectedReason: null,
};
const pendingPromo: Template = { ...orderUpdate, name: 'spring_promo', category: 'marketing', status: 'pending' };

const balance = { remaining: 250, reserved: 0, lowBalanceThreshold: 20, low: false };

function sentMessage(id: string, status: Message['status']): Message {
  return {
    id,
    numberId: 'num-1',
    to: '+442079460958',
    kind: 'template',
    templateName: 'order_update',
    category: 'utility',
    status,
    errorCode: null,
    errorMessage: null,
    conversationsSpent: 1,
    timeline: [{ status: 'accepted', at: '2026-11-25T10:00:00.000Z' }],
    createdAt: '2026-11-25T10:00:00.000Z',
  };
}

function routes(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/balance': () => json(200, balance),
    'GET /api/numbers': () => json(200, { numbers: [number] }),
    'GET /api/numbers/num-1/templates': () => json(200, { templates: [orderUpdate, pendingPromo], syncedAt: null }),
    'GET /api/conversations/quote': () =>
      json(200, { opensConversation: true, cost: 1, remaining: 250, conversationOpenUntil: null, customerWindowOpenUntil: null }),
    'GET /api/messages': () => json(200, { messages: [] }),
    'GET /api/conversations/status': () => json(200, conversationStatus()),
    'GET /api/numbers/num-1/opt-out-instruction': () =>
      json(200, { numberId: 'num-1', enabled: false, instruction: 'Reply STOP to unsubscribe', templates: [], copies: [] }),
    ...overrides,
  };
}

function conversationStatus(overrides: Partial<ConversationStatus> = {}): ConversationStatus {
  return {
    numberId: 'num-1',
    to: '+442079460958',
    serverTime: new Date().toISOString(),
    customerWindow: { open: false, lastMessageAt: null, closesAt: null },
    openConversations: [],
    optOut: null,
    restriction: null,
    canSendText: false,
    canSendTemplates: true,
    ...overrides,
  };
}

function renderScreen() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <DetailsScreen />
    </QueryClientProvider>,
  );
  return { ...view, client };
}

async function chooseOrderUpdate() {
  const select = await screen.findByTestId<HTMLSelectElement>('template-select');
  // Not approved templates are listed too, but cannot be chosen.
  expect(Array.from(select.options, (o) => [o.text, o.disabled])).toEqual([
    ['Choose a template…', false],
    ['order_update', false],
    ['spring_promo — in review', true],
  ]);
  fireEvent.change(select, { target: { value: 'order_update::en_US' } });
}

function fill(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

const sendButton = () => screen.getByTestId<HTMLButtonElement>('send-button');

/** An agent signed in, in a chat with customer "a" (+44 20 7946 0958). */
function signedInWithCustomerA() {
  beforeEach(() => {
    sessionStore.signIn('token-1', 3600);
    livechat.profile = customer('a', '+44 20 7946 0958');
    livechat.toast.mockReset();
  });
  afterEach(() => {
    sessionStore.reset();
    vi.unstubAllGlobals();
  });
}

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
