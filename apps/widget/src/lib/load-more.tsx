import { Button, Text } from '@livechat/design-system-react-components';
import { errorMessage } from './api-client.ts';

/** What the footer needs from a TanStack `useInfiniteQuery` result. */
export interface PagedQuery {
  data?: { pages: unknown[] } | undefined;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => Promise<unknown>;
}

/**
 * The footer of a list that pages by cursor: "Load more" while the server says more rows follow, the reason when
 * a page failed to load (the button then retries), and a quiet note once more than one page was needed to show
 * everything (a list that fits one page needs no footer).
 */
export function LoadMore({ query, shown, noun, testId }: { query: PagedQuery; shown: number; noun: string; testId: string }) {
  if (!query.hasNextPage) {
    return (query.data?.pages.length ?? 0) > 1 ? (
      <Text as="div" size="sm" className="wa-muted wa-load-more" data-testid={`${testId}-end`}>
        All {shown.toLocaleString('en-US')} {noun} shown.
      </Text>
    ) : null;
  }
  return (
    <div className="wa-row wa-load-more">
      <Button
        kind="secondary"
        size="compact"
        loading={query.isFetchingNextPage}
        onClick={() => void query.fetchNextPage()}
        data-testid={testId}
      >
        Load more
      </Button>
      <Text as="span" size="sm" className="wa-muted">
        {shown.toLocaleString('en-US')} {noun} shown
      </Text>
      {query.isFetchNextPageError && (
        <Text as="span" size="sm" className="wa-error-text" role="alert">
          Couldn't load more. {errorMessage(query.error)}
        </Text>
      )}
    </div>
  );
}
