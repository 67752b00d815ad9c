import type { ReactNode } from 'react';
import { DownloadRow } from '../lib/download-button.tsx';
import { LoadMore, type PagedQuery } from '../lib/load-more.tsx';
import { ListState } from '../lib/query-state.tsx';
import { Card } from './card.tsx';
import { DataTable, type Column } from './data-table.tsx';

/**
 * A card with a paged history table and its export: what it holds with the download, then loading, failure,
 * empty or the rows with "Load more".
 */
export function PagedTableCard({
  title,
  intro,
  download,
  query,
  count,
  failed,
  empty,
  noun,
  loadMoreTestId,
  wrapClassName,
  columns,
  tableTestId,
  children,
}: {
  title: string;
  intro: ReactNode;
  download: { download: () => Promise<string>; label: string; testId: string; statusTestId?: string };
  query: PagedQuery & { isPending: boolean; isError: boolean };
  /** Rows loaded so far. */
  count: number;
  failed: string;
  empty: ReactNode;
  /** What the rows are, for "12 bills shown". */
  noun: string;
  loadMoreTestId: string;
  /** The scrolling box around the table. */
  wrapClassName: string;
  columns: Column[];
  tableTestId: string;
  /** The table's rows. */
  children: ReactNode;
}) {
  return (
    <Card title={title}>
      <div className="wa-stack">
        <DownloadRow intro={intro} {...download} />
        <ListState query={query} count={count} failed={failed} empty={empty}>
          <div className={wrapClassName}>
            <DataTable columns={columns} testId={tableTestId}>
              {children}
            </DataTable>
            <LoadMore query={query} shown={count} noun={noun} testId={loadMoreTestId} />
          </div>
        </ListState>
      </div>
    </Card>
  );
}
