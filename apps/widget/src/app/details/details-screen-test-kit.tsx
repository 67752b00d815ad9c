import { afterEach, beforeEach, expect, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ConversationStatus, Message, Template, WhatsAppNumber } from '@wa/contracts';
import { sessionStore } from '../../lib/auth/session.ts';
import type { CustomerProfile } from '../../lib/livechat/types.ts';
import { json, type Handler } from '../../test/fetch-mock.ts';
import DetailsScreen from './details-screen.tsx';

// The Agent App is not here: stand in for the SDK hooks. Mocked in this kit, which imports the screen, so every
// file that renders it through the kit gets the same stand-in.
export const livechat = { profile: null as unknown, toast: vi.fn() };
vi.mock('../../lib/livechat/hooks.tsx', () => ({
  useCustomerProfile: () => livechat.profile,
  useLiveChatWidget: () => ({ widget: null, status: 'ready' }),
  useToast: () => livechat.toast,
  useTheme: () => 'light',
}));

export function customer(id: string, phone: string | null, countryCode = 'GB'): CustomerProfile {
  return {
    id,
    name: `Customer ${id}`,
    geolocation: { country: '', country_code: countryCode, region: '', city: '', timezone: '' },
    chat: { id: `chat-${id}`, groupID: '0', preChatSurvey: phone ? [{ question: 'Phone number', answer: phone }] : [] },
    source: 'chats',
  };
}

export const number: WhatsAppNumber = {
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

export const orderUpdate: Template = {
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
export const pendingPromo: Template = { ...orderUpdate, name: 'spring_promo', category: 'marketing', status: 'pending' };

export const balance = { remaining: 250, reserved: 0, lowBalanceThreshold: 20, low: false };

export function sentMessage(id: string, status: Message['status']): Message {
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

export function routes(overrides: Record<string, Handler> = {}): Record<string, Handler> {
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

export function conversationStatus(overrides: Partial<ConversationStatus> = {}): ConversationStatus {
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

export function renderScreen() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <DetailsScreen />
    </QueryClientProvider>,
  );
  return { ...view, client };
}

export async function chooseOrderUpdate() {
  const select = await screen.findByTestId<HTMLSelectElement>('template-select');
  // Not approved templates are listed too, but cannot be chosen.
  expect(Array.from(select.options, (o) => [o.text, o.disabled])).toEqual([
    ['Choose a template…', false],
    ['order_update', false],
    ['spring_promo — in review', true],
  ]);
  fireEvent.change(select, { target: { value: 'order_update::en_US' } });
}

export function fill(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

export const sendButton = () => screen.getByTestId<HTMLButtonElement>('send-button');

/** An agent signed in, in a chat with customer "a" (+44 20 7946 0958). */
export function signedInWithCustomerA() {
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
