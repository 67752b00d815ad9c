import type { ReactNode } from 'react';
import { QueryState } from '../lib/query-state.tsx';
import { Card } from './card.tsx';

/** A card that shows one query's data once it arrives, its loader before, or why it failed. */
export function QueryCard<T>({
  title,
  query,
  failed,
  children,
}: {
  title: string;
  query: Parameters<typeof QueryState<T>>[0]['query'];
  /** The first words of the failure, e.g. "Couldn't load the balance."; the reason follows. */
  failed: string;
  children: (data: T) => ReactNode;
}) {
  return (
    <Card title={title}>
      <QueryState query={query} failed={failed}>
        {children}
      </QueryState>
    </Card>
  );
}
