import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { ConfirmChargeResponse } from '@wa/contracts';
import { sessionStore } from '../../../lib/auth/session.ts';
import type { TransactionOutcome } from '../../../lib/livechat/payments.ts';
import { json, mockFetch } from '../../../test/fetch-mock.ts';
import { useCheckout } from './use-checkout.ts';

// LiveChat's payment modal is the host's: stand in for it with the answer each test needs.
const modal = vi.hoisted(() => ({ answer: null as null | ((charge: { id: string }) => TransactionOutcome), calls: [] as unknown[] }));
vi.mock('../../../lib/livechat/payments.ts', () => ({
  usePaymentModal: () => async (charge: { id: string }, metadata: unknown) => {
    modal.calls.push({ charge, metadata });
    return modal.answer!(charge);
  },
}));

const charge = { id: 'ch-1', name: 'WhatsApp conversations — 500 package', price: 4900, status: 'pending', quantity: 1 };
const bill = {
  id: 'ch-1',
  kind: 'direct',
  item: 'package:500',
  description: 'WhatsApp conversations — 500 package',
  priceCents: 4900,
  currency: 'USD',
  quantity: 1,
  months: null,
  conversations: 500,
  credited: 0,
  numberId: null,
  number: null,
  status: 'pending',
  nextChargeAt: null,
  createdAt: '2026-11-25T10:00:00.000Z',
} as const;
const balance = { remaining: 10, reserved: 0, lowBalanceThreshold: null, low: false };

function confirmation(
  status: ConfirmChargeResponse['bill']['status'],
  outcome: ConfirmChargeResponse['outcome'],
  settled: boolean,
  message: string,
) {
  return { bill: { ...bill, status }, outcome, settled, message, balance };
}

function wrapper({ children }: { children: ReactNode }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

describe('checkout: the payment modal, then the BFF’s verification', () => {
  beforeEach(() => {
    sessionStore.signIn('token-1', 3600);
    modal.calls = [];
  });
  afterEach(() => {
    sessionStore.reset();
    vi.unstubAllGlobals();
  });

  it('C.2: after the owner confirms, asks the BFF until LiveChat has collected, then says what was added', async () => {
    modal.answer = (c) => ({ kind: 'accepted', chargeId: c.id });
    const answers = [
      confirmation('processed', 'processing', false, 'LiveChat is collecting the payment.'),
      confirmation('success', 'credited', true, 'Payment received: 500 conversations were added to your balance.'),
    ];
    const { calls } = mockFetch({ 'POST /api/billing/charges/ch-1/confirm': () => json(200, answers.shift() ?? answers.at(-1)) });
    const { result } = renderHook(() => useCheckout(), { wrapper });
    await act(() => result.current.pay(charge, 'WhatsApp conversations — 500 package'));
    expect(result.current.state).toEqual({
      phase: 'done',
      tone: 'success',
      message: 'Payment received: 500 conversations were added to your balance.',
    });
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2);
    expect(modal.calls[0]).toMatchObject({
      charge,
      metadata: { description: 'WhatsApp conversations — 500 package', icon: expect.stringMatching(/app-icon\.svg$/) },
    });
  });

  it('C.2: a declined payment is checked once and the owner reads why nothing was added', async () => {
    modal.answer = (c) => ({ kind: 'declined', chargeId: c.id });
    const { calls } = mockFetch({
      'POST /api/billing/charges/ch-1/confirm': () =>
        json(200, confirmation('declined', 'declined', true, 'The payment was declined in LiveChat, so nothing was charged.')),
    });
    const { result } = renderHook(() => useCheckout(), { wrapper });
    await act(() => result.current.pay(charge, 'x'));
    expect(result.current.state).toMatchObject({
      phase: 'done',
      tone: 'error',
      message: expect.stringMatching(/declined.*nothing was charged/),
    });
    expect(calls).toHaveLength(1);
  });

  it('a payment LiveChat could not start says so, with the host’s reason, and credits nothing', async () => {
    modal.answer = () => ({ kind: 'failed', error: 'Card expired' });
    mockFetch({
      'POST /api/billing/charges/ch-1/confirm': () => json(200, confirmation('pending', 'awaiting_approval', false, 'Not approved.')),
    });
    const { result } = renderHook(() => useCheckout(), { wrapper });
    await act(() => result.current.pay(charge, 'x'));
    await waitFor(() => expect(result.current.state).toMatchObject({ phase: 'done', tone: 'error' }));
    expect(result.current.state).toMatchObject({ message: 'LiveChat could not complete the payment (Card expired). Nothing was charged.' });
  });
});
