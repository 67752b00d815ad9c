import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Bill } from '@wa/contracts';
import { json, mockFetch, problem } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest } from '../../../test/render.tsx';
import { BillsCard } from './bills-card.tsx';

function bill(i: number): Bill {
  return {
    id: `ch-${i}`,
    kind: 'direct',
    item: 'package:100',
    description: `Package ${i}`,
    priceCents: 1200,
    currency: 'USD',
    quantity: 1,
    months: null,
    conversations: 100,
    credited: 100,
    numberId: null,
    number: null,
    status: 'success',
    nextChargeAt: null,
    createdAt: new Date(Date.UTC(2026, 10, 25) - i * 60_000).toISOString(),
  };
}

/** Three pages of bills served by cursor, as the BFF does (short pages keep the test quick): 5, 5, then 2. */
const pages: Record<string, { bills: Bill[]; nextCursor: string | null }> = {
  '': { bills: Array.from({ length: 5 }, (_, i) => bill(i)), nextCursor: 'c1' },
  c1: { bills: Array.from({ length: 5 }, (_, i) => bill(5 + i)), nextCursor: 'c2' },
  c2: { bills: Array.from({ length: 2 }, (_, i) => bill(10 + i)), nextCursor: null },
};

function renderCard() {
  return renderWithQueries(<BillsCard />);
}

describe('BillsCard', () => {
  signedInForEachTest();

  it('C.3: "Load more" appends the next page after the cursor until every bill is shown', async () => {
    const { calls } = mockFetch({ 'GET /api/billing/charges': (req) => json(200, pages[req.url.searchParams.get('cursor') ?? '']) });
    renderCard();
    const table = await screen.findByTestId('bills-table');
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 5);
    expect(screen.getByText('5 bills shown')).toBeTruthy();

    fireEvent.click(screen.getByTestId('bills-load-more'));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(1 + 10));
    fireEvent.click(screen.getByTestId('bills-load-more'));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(1 + 12));

    expect(screen.queryByTestId('bills-load-more')).toBeNull();
    expect(screen.getByTestId('bills-load-more-end').textContent).toBe('All 12 bills shown.');
    expect(calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'c1', 'c2']);
    // Each bill once, in the server's order.
    const ids = within(table)
      .getAllByTestId(/^bill-/)
      .map((r) => r.dataset.testid);
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `bill-ch-${i}`));
  });

  it('a page that fails to load says why, keeps what is shown, and "Load more" tries again', async () => {
    let fail = true;
    mockFetch({
      'GET /api/billing/charges': (req) => {
        const cursor = req.url.searchParams.get('cursor') ?? '';
        if (cursor === 'c1' && fail) {
          fail = false;
          return problem(503, { code: 'internal', detail: 'Something went wrong on our side.' });
        }
        return json(200, pages[cursor]);
      },
    });
    renderCard();
    const table = await screen.findByTestId('bills-table');
    fireEvent.click(screen.getByTestId('bills-load-more'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Couldn't load more/);
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 5);
    fireEvent.click(screen.getByTestId('bills-load-more'));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(1 + 10));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
