import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { AuditEvent } from '@wa/contracts';
import { mockFetch } from '../../../test/fetch-mock.ts';
import { renderWithQueries, signedInForEachTest, twoPages } from '../../../test/render.tsx';
import { AuditLogCard } from './audit-log-card.tsx';

const event = (n: number): AuditEvent => ({
  id: `e-${n}`,
  organizationId: 'org-1',
  at: new Date(Date.UTC(2026, 10, 25) - n * 60_000).toISOString(),
  actorType: 'system',
  actorId: null,
  action: 'conversations.credited',
  targetType: null,
  targetId: null,
  metadata: { conversations: n },
});

describe('AuditLogCard', () => {
  signedInForEachTest();

  it('I: shows the newest events and loads older ones with "Load more" until the log ends', async () => {
    const { calls } = mockFetch({
      'GET /api/audit': twoPages({ events: [event(1), event(2)], nextCursor: 'older' }, { events: [event(3)], nextCursor: null }),
    });
    renderWithQueries(<AuditLogCard />);
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(2));
    fireEvent.click(screen.getByTestId('audit-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(3));
    expect(screen.queryByTestId('audit-load-more')).toBeNull();
    expect(screen.getByTestId('audit-load-more-end').textContent).toBe('All 3 events shown.');
    expect(calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'older']);
  });
});
