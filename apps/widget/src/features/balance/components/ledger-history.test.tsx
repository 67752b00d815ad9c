import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { LedgerEntry } from '@wa/contracts';
import { mockFetch } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest, twoPages } from '../../../test/render.tsx';
import { LedgerHistory } from './ledger-history.tsx';

const entry = (n: number): LedgerEntry => ({
  id: `l-${n}`,
  delta: -1,
  reason: 'conversation_opened',
  reference: null,
  numberId: null,
  createdAt: new Date(Date.UTC(2026, 10, 25) - n * 60_000).toISOString(),
});
const balance = { remaining: 10, reserved: 0, lowBalanceThreshold: null, low: false };

describe('LedgerHistory', () => {
  signedInForEachTest({ savesFiles: true });

  it('C.4: pages through every movement with "Load more", and downloads the whole history as CSV', async () => {
    const { calls } = mockFetch({
      'GET /api/ledger': twoPages(
        { entries: [entry(1), entry(2)], balance, nextCursor: 'older' },
        { entries: [entry(3)], balance, nextCursor: null },
      ),
      'GET /api/ledger.csv': () =>
        new Response('time,entry_id,delta,reason,reference,number_id\r\n', {
          status: 200,
          headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="whatsapp-ledger-2026-11-25.csv"' },
        }),
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    renderWithQueries(<LedgerHistory numberLabel={() => null} />);
    await waitFor(() => expect(screen.getAllByTestId('ledger-entry')).toHaveLength(2));
    fireEvent.click(screen.getByTestId('ledger-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('ledger-entry')).toHaveLength(3));
    expect(screen.getByTestId('ledger-load-more-end').textContent).toBe('All 3 movements shown.');
    expect(calls.filter((c) => c.url.pathname === '/api/ledger').map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'older']);

    fireEvent.click(screen.getByTestId('ledger-download'));
    expect((await screen.findByTestId('ledger-download-status')).textContent).toBe('Saved whatsapp-ledger-2026-11-25.csv');
    expect(click).toHaveBeenCalledOnce();
  });
});
