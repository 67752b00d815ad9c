import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { Campaign, CampaignRecipient } from '@wa/contracts';
import { mockFetch } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest, twoPages } from '../../../test/render.tsx';
import { RecipientsCard } from './recipients-card.tsx';

const recipient = (line: number): CampaignRecipient => ({
  id: `r-${line}`,
  line,
  recipient: `+486910000${String(line).padStart(2, '0')}`,
  status: 'pending',
  reasonCode: null,
  reason: null,
  retryable: false,
  attempts: 0,
  messageId: null,
  dispatchedAt: null,
  updatedAt: null,
});

const counts = { total: 3, pending: 3, sending: 0, confirming: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0, cancelled: 0 };

describe('RecipientsCard', () => {
  signedInForEachTest();

  it('lists recipients in file order and loads the next ones after the cursor', async () => {
    const { calls } = mockFetch({
      'GET /api/campaigns/c-1/recipients': twoPages(
        { recipients: [recipient(2), recipient(3)], total: 3, nextCursor: 'next' },
        { recipients: [recipient(4)], total: 3, nextCursor: null },
      ),
    });
    const campaign = { id: 'c-1', status: 'draft', counts } as unknown as Campaign;
    renderWithQueries(<RecipientsCard campaign={campaign} />);
    await screen.findByTestId(`recipient-${recipient(3).recipient}`);
    expect(screen.getByTestId('recipients-total').textContent).toBe('3 in all');
    fireEvent.click(screen.getByTestId('recipients-load-more'));
    await screen.findByTestId(`recipient-${recipient(4).recipient}`);
    await waitFor(() => expect(screen.queryByTestId('recipients-load-more')).toBeNull());
    expect(screen.getAllByTestId(/^recipient-\+/).map((r) => r.dataset.testid)).toEqual(
      [2, 3, 4].map((l) => `recipient-${recipient(l).recipient}`),
    );
    expect(calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'next']);
  });
});
