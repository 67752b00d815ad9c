import type { ReactNode } from 'react';

/** A column's header: its words, or the cell's class and an accessible name for a header with no words. */
export type Column = string | { label?: ReactNode; className?: string; ariaLabel?: string };

/** A table with one header row; `children` are the body's rows. */
export function DataTable({
  columns,
  className,
  testId,
  children,
}: {
  columns: Column[];
  /** Added to `wa-table`. */
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <table className={className ? `wa-table ${className}` : 'wa-table'} data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c, i) =>
            typeof c === 'string' ? (
              <th key={i}>{c}</th>
            ) : (
              <th key={i} className={c.className} aria-label={c.ariaLabel}>
                {c.label}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
