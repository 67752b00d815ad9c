import { Readable } from 'node:stream';
import { parsePhoneNumberFromString as parseMax } from 'libphonenumber-js/max';
import Papa from 'papaparse';
import { CAMPAIGN_LIMITS, checkPhoneWith, type CampaignMapping, type RejectedRow } from '@wa/contracts';
import type { QuietHours } from './quiet-hours.ts';

/**
 * Step 2–3 of a campaign, the part that reads the file: a streamed UTF-8 decode with guards (encoding, binary
 * content, line length, size), papaparse over the text, and per row: phone validation with libphonenumber-js's
 * full metadata, de-duplication, variables with fallbacks, the contact's time zone and the quiet-hours group.
 * Nothing is written anywhere; a malformed file throws a RecipientFileError and leaves nothing behind.
 */

export class RecipientFileError extends Error {
  constructor(
    /** 413 for a file that is too large, 422 for one that is not a usable recipient list. */
    readonly status: 413 | 422,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface RecipientFileOptions {
  mapping: CampaignMapping;
  /** Values for empty cells, by variable index. */
  fallbacks: readonly string[];
  variableCount: number;
  /** A value WhatsApp would refuse (a media link that is not https, a link ending with spaces): the row's reason. */
  checkValue?: (index: number, value: string) => string | null;
  /** When set, every valid row gets its quiet-hours group. */
  quietHours: QuietHours | null;
  maxRows?: number;
  maxLineBytes?: number;
  maxFileBytes?: number;
  /** Called with each few thousand new valid numbers while reading, so look-ups can run alongside. */
  onValid?: (batch: string[]) => void;
}

/** Valid rows, column by column (100,000 small objects cost more memory and time than five arrays). */
export interface ValidRows {
  e164: string[];
  line: number[];
  country: (string | null)[];
  policyKey: (string | null)[];
  /** Each row's values as a JSON array string: one small string per row instead of an array of strings. */
  variables: string[];
}

export interface RecipientFile {
  /** Data rows read (header and blank lines excluded). */
  rows: number;
  valid: ValidRows;
  rejected: RejectedRow[];
  invalid: number;
  duplicates: number;
  missingVariables: number;
}

type Source = Readable | AsyncIterable<Uint8Array | string>;

const KB = 1024;

/**
 * Decodes bytes as UTF-8 text, refusing what is not: invalid UTF-8 (a legacy Excel export), UTF-16, NUL bytes
 * (a binary file), a line longer than the limit, a file larger than the limit.
 */
async function* decodeGuarded(source: Source, maxLineBytes: number, maxFileBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let first = true;
  let lineLength = 0;
  let line = 1;
  let head: string | null = '';
  const notUtf8 = () =>
    new RecipientFileError(
      422,
      'The file is not UTF-8 text. In Excel choose "Save as" → "CSV UTF-8 (comma delimited)", then upload it again.',
    );
  for await (const raw of source as AsyncIterable<Uint8Array | string>) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    bytes += chunk.length;
    if (bytes > maxFileBytes) {
      throw new RecipientFileError(413, `The file is larger than ${Math.round(maxFileBytes / KB / KB)} MB. Split it into smaller files.`);
    }
    if (first && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)))
      throw notUtf8();
    first = false;
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw notUtf8();
    }
    if (text.includes('\u0000'))
      throw new RecipientFileError(422, 'This is not a CSV text file (it contains binary data). Upload a .csv file.');
    // Line-length guard: counted in characters, close enough to bytes for the purpose.
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) {
        lineLength += text.length - from;
        break;
      }
      lineLength += nl - from;
      if (lineLength > maxLineBytes) break;
      lineLength = 0;
      line++;
      from = nl + 1;
    }
    if (lineLength > maxLineBytes) {
      throw new RecipientFileError(
        422,
        `Line ${line} is longer than ${Math.round(maxLineBytes / KB)} KB, so this is not a list of recipients. Check that you chose the right file.`,
      );
    }
    // papaparse guesses the delimiter from its first chunk: give it enough lines to guess right.
    if (head !== null) {
      head += text;
      if (head.length < 16 * KB) continue;
      text = head;
      head = null;
    }
    if (text) yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw notUtf8();
  }
  if (head !== null) rest = head + rest;
  if (rest) yield rest;
}

const VALID_BATCH = 10_000;

const collapse = (v: string) => (/\s\s|[\t\n\r]/.test(v) ? v.replace(/\s+/g, ' ') : v);

export function readRecipientFile(source: Source, options: RecipientFileOptions): Promise<RecipientFile> {
  const maxRows = options.maxRows ?? CAMPAIGN_LIMITS.maxRows;
  const { mapping, variableCount, quietHours } = options;
  const fallbacks = Array.from({ length: variableCount }, (_, i) => collapse((options.fallbacks[i] ?? '').trim()));
  const defaultCountry = mapping.defaultCountry ?? undefined;

  const valid: ValidRows = { e164: [], line: [], country: [], policyKey: [], variables: [] };
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  const zoneOk = new Map<string, boolean>();
  let rows = 0;
  let invalid = 0;
  let duplicates = 0;
  let missingVariables = 0;
  let line = 0;
  let header: string[] | null = null;
  let announced = 0;
  const keys = new Map<string, string>();
  let phoneIdx = -1;
  let zoneIdx = -1;
  let varIdx: number[] = [];

  const isZone = (z: string) => {
    let ok = zoneOk.get(z);
    if (ok === undefined) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: z });
        ok = true;
      } catch {
        ok = false;
      }
      zoneOk.set(z, ok);
    }
    return ok;
  };

  const useHeader = (cells: string[]) => {
    header = cells.map((c) => c.trim());
    const find = (name: string) => header!.indexOf(name.trim());
    const columns = header
      .filter(Boolean)
      .slice(0, 12)
      .map((c) => `"${c}"`)
      .join(', ');
    phoneIdx = find(mapping.phoneColumn);
    if (phoneIdx < 0) {
      throw new RecipientFileError(
        422,
        `The file has no column "${mapping.phoneColumn}" for the phone number. Its columns are: ${columns || 'none'}.`,
        'phoneColumn',
      );
    }
    varIdx = Array.from({ length: variableCount }, (_, i) => {
      const col = mapping.variableColumns[i];
      if (col === null || col === undefined) return -1;
      const idx = find(col);
      if (idx < 0)
        throw new RecipientFileError(
          422,
          `The file has no column "${col}" for variable {{${i + 1}}}. Its columns are: ${columns}.`,
          `variableColumns.${i}`,
        );
      return idx;
    });
    zoneIdx = mapping.timeZoneColumn ? find(mapping.timeZoneColumn) : -1;
    if (mapping.timeZoneColumn && zoneIdx < 0) {
      throw new RecipientFileError(422, `The file has no column "${mapping.timeZoneColumn}" for the time zone.`, 'timeZoneColumn');
    }
  };

  const reject = (row: RejectedRow) => {
    rejected.push(row);
  };

  const onRow = (cells: string[]) => {
    const rowLine = line + 1;
    // A quoted field may span lines; keep line numbers true to the file.
    let extra = 0;
    for (const c of cells) if (c.includes('\n')) extra += c.split('\n').length - 1;
    line = rowLine + extra;
    if (cells.length === 1 && cells[0] === '') return;
    if (header === null) return useHeader(cells);
    const rawPhone = cells[phoneIdx] ?? '';
    if (!rawPhone.trim() && cells.every((c) => !c.trim())) return;
    rows++;
    if (rows > maxRows) {
      throw new RecipientFileError(
        413,
        `The file has more than ${maxRows.toLocaleString('en')} rows. Split it into files of at most ${maxRows.toLocaleString('en')} recipients.`,
      );
    }
    const phone = rawPhone.length > 64 ? `${rawPhone.slice(0, 61)}...` : rawPhone.trim();
    const check = checkPhoneWith(parseMax, rawPhone, defaultCountry);
    if (!check.ok) {
      invalid++;
      reject({ line: rowLine, phone, kind: 'invalid', reason: check.reason });
      return;
    }
    const firstLine = seen.get(check.e164);
    if (firstLine !== undefined) {
      duplicates++;
      reject({ line: rowLine, phone, kind: 'duplicate', reason: `Same number as line ${firstLine}` });
      return;
    }
    seen.set(check.e164, rowLine);
    let zone: string | null = null;
    if (zoneIdx >= 0) {
      zone = (cells[zoneIdx] ?? '').trim() || null;
      if (zone && !isZone(zone)) {
        invalid++;
        reject({
          line: rowLine,
          phone,
          kind: 'invalid',
          reason: `Unknown time zone "${zone.slice(0, 40)}" (use a name like Europe/Warsaw)`,
        });
        return;
      }
    }
    const vars = new Array<string>(variableCount);
    let missing: number[] | null = null;
    for (let i = 0; i < variableCount; i++) {
      const idx = varIdx[i]!;
      let v = idx >= 0 ? (cells[idx] ?? '').trim() : '';
      if (v) v = collapse(v);
      else v = fallbacks[i]!;
      if (!v) (missing ??= []).push(i);
      vars[i] = v.length > 1024 ? v.slice(0, 1024) : v;
    }
    if (missing) {
      missingVariables++;
      const names = missing.map((i) => (mapping.variableColumns[i] ? `{{${i + 1}}} ("${mapping.variableColumns[i]}")` : `{{${i + 1}}}`));
      reject({ line: rowLine, phone, kind: 'missing_variables', reason: `Empty ${names.join(', ')} and no fallback value` });
      return;
    }
    const badValue = options.checkValue ? vars.map((v, i) => options.checkValue!(i, v)).find((p) => p !== null) : undefined;
    if (badValue) {
      invalid++;
      reject({ line: rowLine, phone, kind: 'invalid', reason: badValue });
      return;
    }
    valid.e164.push(check.e164);
    if (options.onValid && valid.e164.length - announced >= VALID_BATCH) {
      options.onValid(valid.e164.slice(announced));
      announced = valid.e164.length;
    }
    valid.line.push(rowLine);
    valid.country.push(check.country ?? null);
    if (quietHours) {
      // One string per group rather than one per row.
      const k = quietHours.keyFor(check.e164, check.country, zone);
      let interned = keys.get(k);
      if (interned === undefined) keys.set(k, (interned = k));
      valid.policyKey.push(interned);
    } else valid.policyKey.push(null);
    valid.variables.push(JSON.stringify(vars));
  };

  return new Promise<RecipientFile>((resolve, reject_) => {
    let failed = false;
    const fail = (err: unknown, parser?: { abort(): void }) => {
      if (failed) return;
      failed = true;
      parser?.abort();
      reject_(err instanceof RecipientFileError ? err : new RecipientFileError(422, 'The file could not be read as CSV.'));
    };
    const text = Readable.from(
      decodeGuarded(source, options.maxLineBytes ?? CAMPAIGN_LIMITS.maxLineBytes, options.maxFileBytes ?? CAMPAIGN_LIMITS.maxFileBytes),
      {
        objectMode: true,
      },
    );
    Papa.parse<string[]>(text, {
      header: false,
      skipEmptyLines: false,
      delimitersToGuess: [',', ';', '\t', '|'],
      chunk: (results, parser) => {
        if (failed) return;
        try {
          for (const row of results.data) onRow(row);
        } catch (err) {
          fail(err, parser);
        }
      },
      complete: () => {
        if (failed) return;
        if (header === null) return fail(new RecipientFileError(422, 'The file is empty.'));
        if (rows === 0) return fail(new RecipientFileError(422, 'The file has a header row but no recipients.'));
        if (options.onValid && valid.e164.length > announced) options.onValid(valid.e164.slice(announced));
        resolve({ rows, valid, rejected, invalid, duplicates, missingVariables });
      },
      error: (err: unknown) => fail(err),
    });
  });
}
