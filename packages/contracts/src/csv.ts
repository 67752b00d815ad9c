import Papa from 'papaparse';

/**
 * Every CSV the product writes goes through here, so that no export can carry a formula into a spreadsheet
 * (OWASP "CSV injection"). A text cell that begins with =, +, -, @, a tab or a carriage return is prefixed with
 * an apostrophe: spreadsheets then show it as text, exactly as written, and run nothing. That is also what keeps
 * an E.164 number such as +48221234567 readable: unprefixed, a spreadsheet would read it as a sum and drop the +.
 * A plain negative number (-12, -3.50) is a number, not a formula, and stays as it is. Importers take the
 * apostrophe off again with `fromCsvCell`.
 *
 * Kept out of the package's index (import '@wa/contracts/csv') so the widget's bundles never carry papaparse
 * unless they write CSV.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

export type CsvNewline = '\r\n' | '\n';

/** One cell, ready for papaparse: numbers stay numbers, dates become ISO strings, objects JSON, text is neutralised. */
export function csvCell(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  return FORMULA_START.test(text) && !PLAIN_NEGATIVE_NUMBER.test(text) ? `'${text}` : text;
}

/** Rows as CSV lines, each ending with `newline` (nothing for no rows): for exports written page by page. */
export function toCsvRows(rows: readonly (readonly unknown[])[], newline: CsvNewline = '\r\n'): string {
  if (!rows.length) return '';
  return `${Papa.unparse(
    rows.map((row) => row.map(csvCell)),
    { newline },
  )}${newline}`;
}

/** A whole CSV: the header row, then the rows, every line ending with `newline`. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[], newline: CsvNewline = '\r\n'): string {
  return toCsvRows([header, ...rows], newline);
}

/** Undoes `csvCell`'s apostrophe on a cell read back from one of our exports. */
export function fromCsvCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
