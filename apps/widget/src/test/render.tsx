import type { ReactElement } from 'react';
import { afterEach, beforeEach, vi } from 'vitest';
import { render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { sessionStore } from '../lib/auth/session.ts';
import { json, type Handler } from './fetch-mock.ts';

/** Renders `ui` inside a query client of its own, which reports a failure at once instead of retrying it. */
export function renderWithQueries(ui: ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}

/**
 * Every test of the suite runs with a signed-in agent. `savesFiles` also stubs the object URLs a download is
 * saved through, which the test DOM lacks.
 */
export function signedInForEachTest({ savesFiles = false } = {}) {
  beforeEach(() => {
    sessionStore.signIn('token-1', 3600);
    if (savesFiles) vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:saved'), revokeObjectURL: vi.fn() }));
  });
  afterEach(() => {
    sessionStore.reset();
    if (savesFiles) vi.unstubAllGlobals();
  });
}

/** A list the BFF serves in two pages: a request with the first page's cursor gets the second. */
export function twoPages<First extends { nextCursor: string }>(first: First, second: object): Handler {
  return (req) => json(200, req.url.searchParams.get('cursor') === first.nextCursor ? second : first);
}
