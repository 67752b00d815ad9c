import Papa from 'papaparse';
import { checkPhone, type CsvRowError } from '@wa/contracts';
import { fromCsvCell, toCsv } from '@wa/contracts/csv';

export interface CsvOptOutRow {
  line: number;
  recipient: string;
  reason: string | null;
}

export interface ParsedOptOutCsv {
  /** Data rows read (header and blank lines excluded). */
  rows: number;
  valid: CsvOptOutRow[];
  invalid: CsvRowError[];
}

const PHONE_HEADERS = new Set([
  'phone',
  'phone number',
  'phonenumber',
  'number',
  'recipient',
  'whatsapp',
  'whatsapp number',
  'mobile',
  'msisdn',
  'telephone',
  'tel',
  'e164',
]);
const REASON_HEADERS = new Set(['reason', 'note', 'notes', 'comment', 'comments']);
const MAX_REASON = 500;

const header = (cell: string) => cell.trim().toLowerCase().replace(/[_-]+/g, ' ');

/** Our export guards cells against spreadsheet formulas with a leading apostrophe; take it off again. */
const unguard = (cell: string) => fromCsvCell(cell.trim());

/**
 * Reads a suppression list: one number per row, in international format, optionally with a reason, with or
 * without a header row (`phone,reason`). Commas or semicolons. Every problem is reported with the line of
 * the file it is on, counting lines as a text editor or spreadsheet does.
 */
export function parseOptOutCsv(text: string, defaultReason: string | null = null): ParsedOptOutCsv {
  const input = text.replace(/^\uFEFF/, '');
  const lineStarts: number[] = [0];
  for (let i = 0; i < input.length; i++) if (input[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  const records: { line: number; cells: string[]; error: string | null }[] = [];
  let previous = 0;
  Papa.parse<string[]>(input, {
    skipEmptyLines: 'greedy',
    step: (result) => {
      let start = previous;
      while (start < input.length && (input[start] === '\n' || input[start] === '\r')) start++;
      previous = result.meta.cursor;
      const problem = result.errors.find((e) => e.type !== 'Delimiter');
      records.push({
        line: lineAt(start),
        cells: result.data.map((c) => String(c ?? '')),
        error: problem ? (problem.code === 'MissingQuotes' ? 'A quoted value is never closed' : problem.message) : null,
      });
    },
  });

  let phoneColumn = 0;
  let reasonColumn: number | null = 1;
  const first = records[0];
  if (first && first.cells.some((c) => PHONE_HEADERS.has(header(c)))) {
    phoneColumn = first.cells.findIndex((c) => PHONE_HEADERS.has(header(c)));
    const r = first.cells.findIndex((c) => REASON_HEADERS.has(header(c)));
    reasonColumn = r >= 0 ? r : null;
    records.shift();
  }

  const valid: CsvOptOutRow[] = [];
  const invalid: CsvRowError[] = [];
  const seen = new Set<string>();
  for (const { line, cells, error } of records) {
    if (error) {
      invalid.push({ line, message: error });
      continue;
    }
    const raw = unguard(cells[phoneColumn] ?? '');
    if (!raw) {
      invalid.push({ line, message: 'No phone number' });
      continue;
    }
    if (!/^(\+|00)/.test(raw)) {
      invalid.push({
        line,
        message: `"${raw.slice(0, 40)}" has no country code: write it with + (e.g. +44 20 7946 0958); spreadsheets sometimes drop the +`,
      });
      continue;
    }
    const phone = checkPhone(raw);
    if (!phone.ok) {
      invalid.push({ line, message: `"${raw.slice(0, 40)}": ${phone.reason}` });
      continue;
    }
    const reason = reasonColumn === null ? '' : unguard(cells[reasonColumn] ?? '');
    if (reason.length > MAX_REASON) {
      invalid.push({ line, message: `The reason is longer than ${MAX_REASON} characters` });
      continue;
    }
    if (seen.has(phone.e164)) continue;
    seen.add(phone.e164);
    valid.push({ line, recipient: phone.e164, reason: reason || defaultReason });
  }
  return { rows: records.length, valid, invalid };
}

export interface CsvOptOutExportRow {
  recipient: string;
  source: string;
  reason: string | null;
  createdAt: Date;
  createdBy: string | null;
}

/**
 * The list as CSV that `parseOptOutCsv` reads back. The shared CSV writer neutralises cells a spreadsheet would
 * run as a formula with a leading apostrophe, which also keeps the + of phone numbers.
 */
export function toOptOutCsv(rows: CsvOptOutExportRow[]): string {
  return toCsv(
    ['phone', 'reason', 'source', 'opted_out_at', 'added_by'],
    rows.map((r) => [r.recipient, r.reason ?? '', r.source, r.createdAt, r.createdBy ?? '']),
  );
}
