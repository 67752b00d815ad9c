import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { Message } from '@wa/contracts';
import { sessionStore } from '../../../lib/auth/session.ts';
import { json, mockFetch } from '../../../test/fetch-mock.ts';
import { MessageHistory } from './message-history.tsx';

const message = (n: number): Message => ({
  id: `m-${n}`,
  numberId: 'n-1',
  to: '+442079460958',
  kind: 'template',
  templateName: 'order_shipped',
  category: 'utility',
  status: 'read',
  errorCode: null,
  errorMessage: null,
  conversationsSpent: 0,
  timeline: [],
  createdAt: new Date(Date.UTC(2026, 10, 25) - n * 60_000).toISOString(),
});

describe('MessageHistory (sidebar)', () => {
  beforeEach(() => sessionStore.signIn('token-1', 3600));
  afterEach(() => sessionStore.reset());

  it('shows the newest messages and offers older ones only while more exist', async () => {
    const { calls } = mockFetch({
      'GET /api/messages': (req) =>
        req.url.searchParams.get('cursor') === 'older'
          ? json(200, { messages: [message(3)], nextCursor: null })
          : json(200, { messages: [message(1), message(2)], nextCursor: 'older' }),
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <MessageHistory to="+442079460958" numberId="n-1" />
      </QueryClientProvider>,
    );
    await screen.findByTestId('message-m-2');
    fireEvent.click(screen.getByTestId('messages-load-more'));
    await screen.findByTestId('message-m-3');
    expect(screen.getAllByTestId(/^message-m-\d$/)).toHaveLength(3);
    await waitFor(() => expect(screen.queryByTestId('messages-load-more')).toBeNull());
    const first = calls[0]!.url.searchParams;
    expect([first.get('to'), first.get('numberId'), first.get('cursor')]).toEqual(['+442079460958', 'n-1', null]);
    expect(calls[1]!.url.searchParams.get('cursor')).toBe('older');
  });
});
