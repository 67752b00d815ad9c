import { PassThrough, type Writable } from 'node:stream';
import { toCsvRows } from '@wa/contracts/csv';
import yazl from 'yazl';
import type { Database } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';

/** Columns never exported: credentials (webhook secret, the sealed billing token). */
const SECRET_COLUMN = /secret|token|ciphertext|password|api_?key/i;

/**
 * Tables without an organization_id that belong to one through a parent (L.11e: "plus tables linked to them").
 * Key: table; value: the SQL that selects its rows for organization $1.
 */
const LINKED: Record<string, string> = {
  templates: 'number_id in (select id from numbers where organization_id = $1)',
  message_events: 'message_id in (select id from messages where organization_id = $1)',
  campaign_rejections: 'campaign_id in (select id from campaigns where organization_id = $1)',
};

/** Tables holding nothing about any organization's business (shared pacing state, per-minute request counters). */
export const GLOBAL_TABLES = new Set(['dispatch_rate_slots', 'dispatch_leases', 'api_rate_limits']);

const PAGE = 2_000;

export interface ExportTable {
  table: string;
  where: string;
  columns: string[];
}

/**
 * L.11e: everything held about one organization, as a ZIP with one JSON and one CSV file per table and a
 * manifest. Tables are found in the catalog (every table with an organization_id column, plus the linked
 * tables above), so a table added later is exported without touching this file. Rows are read page by page
 * and streamed into the archive: memory stays flat however large the history is.
 */
export class ExportService {
  constructor(
    private readonly database: Database,
    private readonly log: Logger,
  ) {}

  async tables(): Promise<ExportTable[]> {
    const cols = await this.database.query<{ table_name: string; column_name: string }>(
      `select c.table_name, c.column_name from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
        order by c.table_name, c.ordinal_position`,
    );
    const byTable = new Map<string, string[]>();
    for (const { table_name, column_name } of cols) byTable.set(table_name, [...(byTable.get(table_name) ?? []), column_name]);
    const out: ExportTable[] = [];
    for (const [table, columns] of byTable) {
      const kept = columns.filter((c) => !SECRET_COLUMN.test(c));
      if (table === 'organizations') out.push({ table, where: 'id = $1', columns: kept });
      else if (columns.includes('organization_id')) out.push({ table, where: 'organization_id = $1', columns: kept });
      else if (LINKED[table]) out.push({ table, where: LINKED[table], columns: kept });
    }
    return out;
  }

  /** Writes the archive to `out` (an HTTP response); resolves when it is complete. */
  async write(organizationId: string, out: Writable, now = new Date()): Promise<void> {
    const tables = await this.tables();
    const zip = new yazl.ZipFile();
    let aborted = false;
    out.once('close', () => {
      aborted = true;
    });
    const done = new Promise<void>((resolve, reject) => {
      zip.outputStream.once('error', reject);
      out.once('finish', resolve);
      out.once('close', resolve);
    });
    zip.outputStream.pipe(out);
    const counts: Record<string, number> = {};
    try {
      for (const t of tables) {
        if (aborted) break;
        counts[t.table] = await this.entry(zip, `${t.table}.json`, t, organizationId, 'json', () => aborted);
        await this.entry(zip, `${t.table}.csv`, t, organizationId, 'csv', () => aborted);
      }
      const manifest = {
        organizationId,
        generatedAt: now.toISOString(),
        format: 'One JSON file (array of rows) and one CSV file per table; column names as in the database.',
        note: 'Message and campaign records are metadata only: no message text or template variable values are stored.',
        tables: counts,
      };
      zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), 'manifest.json', { mtime: now });
    } catch (err) {
      this.log.error({ err: err instanceof Error ? err.message : String(err), organizationId }, 'privacy export failed');
      out.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    zip.end();
    await done;
  }

  private async entry(
    zip: yazl.ZipFile,
    name: string,
    t: ExportTable,
    organizationId: string,
    format: 'json' | 'csv',
    aborted: () => boolean,
  ): Promise<number> {
    const stream = new PassThrough();
    zip.addReadStream(stream, name);
    const write = async (chunk: string) => {
      if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
    };
    const cols = t.columns.map((c) => `"${c}"`).join(', ');
    let n = 0;
    if (format === 'json') await write('[');
    else await write(toCsvRows([t.columns], '\n'));
    for (let offset = 0; ; offset += PAGE) {
      if (aborted()) break;
      const rows = await this.database.query<Record<string, unknown>>(
        `select ${cols} from "${t.table}" where ${t.where} order by ctid limit ${PAGE} offset ${offset}`,
        [organizationId],
      );
      for (const row of rows) {
        if (format === 'json') await write(`${n ? ',' : ''}\n${JSON.stringify(row)}`);
        else await write(toCsvRows([t.columns.map((c) => row[c])], '\n'));
        n++;
      }
      if (rows.length < PAGE) break;
    }
    if (format === 'json') await write('\n]\n');
    stream.end();
    return n;
  }
}
