import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { AuditEvent } from '@wa/contracts';
import { sessionStore } from '../../../lib/auth/session.ts';
import { json, mockFetch } from '../../../test/fetch-mock.ts';
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
  beforeEach(() => sessionStore.signIn('token-1', 3600));
  afterEach(() => sessionStore.reset());

  it('I: shows the newest events and loads older ones with "Load more" until the log ends', async () => {
    const { calls } = mockFetch({
      'GET /api/audit': (req) =>
        req.url.searchParams.get('cursor') === 'older'
          ? json(200, { events: [event(3)], nextCursor: null })
          : json(200, { events: [event(1), event(2)], nextCursor: 'older' }),
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <AuditLogCard />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(2));
    fireEvent.click(screen.getByTestId('audit-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(3));
    expect(screen.queryByTestId('audit-load-more')).toBeNull();
    expect(screen.getByTestId('audit-load-more-end').textContent).toBe('All 3 events shown.');
    expect(calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'older']);
  });
});
