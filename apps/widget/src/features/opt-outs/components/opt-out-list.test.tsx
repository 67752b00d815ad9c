import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { OptOut } from '@wa/contracts';
import { json, mockFetch } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest } from '../../../test/render.tsx';
import { OptOutList } from './opt-out-list.tsx';

const optOut = (n: number): OptOut => ({
  recipient: `+4860177${String(n).padStart(4, '0')}`,
  source: 'manual',
  reason: `reason ${n}`,
  createdBy: 'owner-1',
  createdAt: new Date(Date.UTC(2026, 10, 25) - n * 60_000).toISOString(),
});
const keywords = { optOut: ['STOP'], optIn: ['START'] };

describe('OptOutList', () => {
  signedInForEachTest();

  it('F.4: "Load more" continues after the cursor; a new search starts again from the first page', async () => {
    const { calls } = mockFetch({
      'GET /api/opt-outs': (req) => {
        const q = req.url.searchParams.get('q') ?? '';
        const cursor = req.url.searchParams.get('cursor');
        if (q) return json(200, { optOuts: [optOut(2)], total: 1, keywords, nextCursor: null });
        return cursor === 'p2'
          ? json(200, { optOuts: [optOut(3), optOut(4)], total: 5, keywords, nextCursor: 'p3' })
          : cursor === 'p3'
            ? json(200, { optOuts: [optOut(5)], total: 5, keywords, nextCursor: null })
            : json(200, { optOuts: [optOut(1), optOut(2)], total: 5, keywords, nextCursor: 'p2' });
      },
    });
    renderWithQueries(<OptOutList />);
    await screen.findByTestId(`opt-out-row-${optOut(1).recipient}`);
    expect(screen.getByTestId('opt-outs-total').textContent).toMatch(/5 customers opted out/);
    fireEvent.click(screen.getByTestId('opt-outs-load-more'));
    await screen.findByTestId(`opt-out-row-${optOut(4).recipient}`);
    fireEvent.click(screen.getByTestId('opt-outs-load-more'));
    await screen.findByTestId(`opt-out-row-${optOut(5).recipient}`);
    expect(screen.getAllByTestId(/^opt-out-row-/)).toHaveLength(5);
    expect(screen.queryByTestId('opt-outs-load-more')).toBeNull();
    expect(calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'p2', 'p3']);

    const search = screen.getByTestId('opt-out-search');
    fireEvent.change(search.tagName === 'INPUT' ? search : search.querySelector('input')!, { target: { value: '0002' } });
    await waitFor(() => expect(screen.getAllByTestId(/^opt-out-row-/)).toHaveLength(1));
    const searched = calls.filter((c) => c.url.searchParams.get('q'));
    expect(searched.length).toBeGreaterThan(0);
    expect(searched.every((c) => c.url.searchParams.get('cursor') === null)).toBe(true);
  });
});
