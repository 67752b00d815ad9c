import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvCell, fromCsvCell, toCsv, toCsvRows } from './csv.ts';

describe('CSV exports are safe to open in a spreadsheet', () => {
  it('neutralises every cell that a spreadsheet would run as a formula', () => {
    for (const bad of ['=HYPERLINK("http://evil.test","x")', "+1+cmd|' /C calc'!A0", '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=a\nb', '-cmd']) {
      expect(csvCell(bad)).toBe(`'${bad}`);
    }
  });

  it('keeps E.164 numbers readable, plain numbers as numbers and ordinary text as is', () => {
    expect(csvCell('+48221234567')).toBe("'+48221234567");
    expect(csvCell(-3)).toBe(-3);
    expect(csvCell('-12')).toBe('-12');
    expect(csvCell('-3.50')).toBe('-3.50');
    expect(csvCell('Acme = shoes')).toBe('Acme = shoes');
    expect(csvCell(null)).toBe('');
    expect(csvCell(new Date('2026-03-01T10:00:00Z'))).toBe('2026-03-01T10:00:00.000Z');
    expect(csvCell({ a: 1 })).toBe('{"a":1}');
    expect(csvCell(12n)).toBe('12');
  });

  it('writes a CSV that parses back to the neutralised cells, and importers can undo the apostrophe', () => {
    const csv = toCsv(
      ['phone', 'reason'],
      [
        ['+48221234567', '=1+1'],
        ['+12126647665', 'said "stop", twice'],
      ],
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
    expect(rows).toEqual([
      ['phone', 'reason'],
      ["'+48221234567", "'=1+1"],
      ["'+12126647665", 'said "stop", twice'],
    ]);
    expect(rows[1]!.map(fromCsvCell)).toEqual(['+48221234567', '=1+1']);
    expect(fromCsvCell("O'Brien")).toBe("O'Brien");
    expect(fromCsvCell("'quoted")).toBe("'quoted");
    expect(toCsvRows([], '\n')).toBe('');
    expect(toCsvRows([['=x']], '\n')).toBe("'=x\n");
  });
});
