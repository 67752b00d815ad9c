import Papa from 'papaparse';

/** What the widget reads of a chosen file before uploading it: the columns and a few rows, for the mapping. */
export interface FilePreview {
  columns: string[];
  rows: string[][];
}

/** Reads the header and the first rows locally (papaparse guesses the delimiter: Excel in Europe writes ";"). */
export function previewFile(file: Blob, rows = 5): Promise<FilePreview> {
  return new Promise((resolve, reject) => {
    Papa.parse<string[]>(file as File, {
      preview: rows + 1,
      skipEmptyLines: 'greedy',
      complete: (result) => {
        const [header, ...data] = result.data;
        if (!header?.length) return reject(new Error('The file is empty.'));
        resolve({ columns: header.map((c) => c.trim()), rows: data });
      },
      error: (err: Error) => reject(err),
    });
  });
}

const PHONE_NAMES =
  /^(phone|phone ?number|mobile|mobile ?number|cell|msisdn|whatsapp|wa|number|tel|telephone|telefon|telefono|téléphone|numer|numer telefonu)$/i;

/** The column that most likely holds the phone: by name first, else the first whose values look like phones. */
export function guessPhoneColumn(preview: FilePreview): string | null {
  const byName = preview.columns.find((c) => PHONE_NAMES.test(c.trim()));
  if (byName) return byName;
  const looksLikePhone = (v: string | undefined) => !!v && /^[+0(]?[\d\s().-]{7,}$/.test(v.trim());
  const idx = preview.columns.findIndex((_, i) => preview.rows.length > 0 && preview.rows.every((r) => looksLikePhone(r[i])));
  return idx >= 0 ? preview.columns[idx]! : null;
}

/** A column whose name suggests a time zone ("timezone", "tz", "time zone"). */
export function guessTimeZoneColumn(preview: FilePreview): string | null {
  return preview.columns.find((c) => /^(time ?zone|tz|zone)$/i.test(c.trim())) ?? null;
}

/** A pasted list of numbers (one per line, or separated by commas or semicolons) as a one-column CSV. */
export function pastedNumbersToCsv(text: string): { csv: string; count: number } {
  const numbers = text
    .split(/[\n,;\t]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { csv: ['phone', ...numbers.map((n) => (/["]/.test(n) ? `"${n.replace(/"/g, '""')}"` : n))].join('\n'), count: numbers.length };
}
