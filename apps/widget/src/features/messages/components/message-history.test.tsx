import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { Message } from '@wa/contracts';
import { mockFetch } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest, twoPages } from '../../../test/render.tsx';
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
  signedInForEachTest();

  it('shows the newest messages and offers older ones only while more exist', async () => {
    const { calls } = mockFetch({
      'GET /api/messages': twoPages(
        { messages: [message(1), message(2)], nextCursor: 'older' },
        { messages: [message(3)], nextCursor: null },
      ),
    });
    renderWithQueries(<MessageHistory to="+442079460958" numberId="n-1" />);
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
