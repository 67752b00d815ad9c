import type { Request, RequestHandler, Response } from 'express';
import { desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { toCsvRows } from '@wa/contracts/csv';
import { handle } from './http.ts';

/**
 * Helpers for keyset pagination over (timestamp, id) and for CSV downloads that stream a whole list page by page.
 * Cursors carry timestamps as microseconds since the epoch (PostgreSQL's own precision), so rows written in the
 * same millisecond are neither skipped nor repeated.
 */

/** The column as exact microseconds since the epoch, as text (extract returns numeric, so nothing is rounded). */
export const microsOf = (column: AnyColumn | SQL): SQL<string> => sql<string>`(extract(epoch from ${column}) * 1000000)::bigint::text`;

/** A timestamp from a cursor's microseconds, computed exactly (integer interval arithmetic, no float). */
export const timestampOfMicros = (micros: string): SQL => sql`(timestamptz 'epoch' + ${micros}::bigint * interval '1 microsecond')`;

/** Rows strictly after the cursor in `order by time desc, id desc`. */
export const beforeKey = (time: AnyColumn, id: AnyColumn, micros: string, key: string, idType: 'uuid' | 'text'): SQL =>
  idType === 'uuid'
    ? sql`(${time}, ${id}) < (${timestampOfMicros(micros)}, ${key}::uuid)`
    : sql`(${time}, ${id}) < (${timestampOfMicros(micros)}, ${key}::text)`;

/** A page's cursor: `[micros, id]` of the last row of the page before. */
export type Cursor = readonly [micros: string, id: string];

/** Rows after the cursor in `order by time desc, id desc`, or no condition on the first page. */
export const afterCursor = (time: AnyColumn, id: AnyColumn, idType: 'uuid' | 'text', after: Cursor | undefined): SQL | undefined =>
  after ? beforeKey(time, id, after[0], after[1], idType) : undefined;

/** The order keyset pages are read in: newest first, ties broken by id. */
export const newestFirst = (time: AnyColumn, id: AnyColumn): [SQL, SQL] => [desc(time), desc(id)];

/** Splits `limit + 1` fetched rows into a page and whether another page follows. */
export function pageOf<T>(rows: T[], limit: number): { rows: T[]; more: boolean } {
  return rows.length > limit ? { rows: rows.slice(0, limit), more: true } : { rows, more: false };
}

/**
 * Sends a CSV download whose rows come page by page: only one page is ever held in memory, and writing waits for
 * the client to take what was sent (backpressure). Cells are neutralised by the shared CSV writer (CSV injection).
 */
export async function streamCsv(res: Response, filename: string, header: string[], pages: AsyncIterable<unknown[][]>): Promise<void> {
  res.type('text/csv; charset=utf-8').attachment(filename);
  await write(res, toCsvRows([header]));
  for await (const rows of pages) {
    if (!rows.length) continue;
    if (res.destroyed) return;
    await write(res, toCsvRows(rows));
  }
  res.end();
}

/** A handler for the download `whatsapp-<what>-<today>.csv` of the rows `pages` yields (see `streamCsv`). */
export const csvDownload = (
  what: string,
  header: string[],
  pages: (req: Request, res: Response) => AsyncIterable<unknown[][]>,
): RequestHandler =>
  handle(async (req, res) => {
    await streamCsv(res, `whatsapp-${what}-${new Date().toISOString().slice(0, 10)}.csv`, header, pages(req, res));
  });

function write(res: Response, chunk: string): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
