import type { ReactNode } from 'react';
import { Loader, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../components/inline-alert.tsx';
import { errorMessage } from './api-client.ts';

type TextSize = 'sm' | 'md';

interface Failure {
  /** The first words of the error, e.g. "Couldn't load the bills."; the reason follows. */
  failed: string;
  /** When given, a failure is shown as an alert with a retry button. */
  onRetry?: (() => void) | undefined;
  size?: TextSize | undefined;
}

function QueryFailure({ failed, onRetry, size, error }: Failure & { error: unknown }) {
  return onRetry ? (
    <InlineAlert kind="error" role="alert" onRetry={onRetry}>
      {failed} {errorMessage(error)}
    </InlineAlert>
  ) : (
    <Text size={size} className="wa-error-text" role="alert">
      {failed} {errorMessage(error)}
    </Text>
  );
}

/** One query's states: loading, failed (with the reason), or its data. */
export function QueryState<T>({
  query,
  children,
  ...failure
}: Failure & {
  query: { isPending: boolean; isError: boolean; error: unknown; data?: T | undefined };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loader size="small" />;
  if (query.isError || query.data === undefined) return <QueryFailure {...failure} error={query.error} />;
  return <>{children(query.data)}</>;
}

/**
 * The states every paged list goes through: loading, failed before any row arrived, empty, and the rows. Once rows
 * are shown, a failed next page is the "Load more" footer's to report, so the rows stay.
 */
export function ListState({
  query,
  count,
  empty,
  emptyTestId,
  size = 'sm',
  children,
  ...failure
}: Failure & {
  query: { isPending: boolean; isError: boolean; error: unknown };
  /** Rows loaded so far. */
  count: number;
  empty: ReactNode;
  emptyTestId?: string;
  children: ReactNode;
}) {
  if (query.isPending) return <Loader size="small" />;
  if (query.isError && count === 0) return <QueryFailure {...failure} size={size} error={query.error} />;
  if (count === 0) {
    return (
      <Text size={size} className="wa-muted" data-testid={emptyTestId}>
        {empty}
      </Text>
    );
  }
  return <>{children}</>;
}
