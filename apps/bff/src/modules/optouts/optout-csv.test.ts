import { describe, expect, it } from 'vitest';
import { parseOptOutCsv, toOptOutCsv } from './optout-csv.ts';

describe('suppression list CSV', () => {
  it('reads numbers and reasons with a header row, normalising to E.164', () => {
    const r = parseOptOutCsv('Phone,Reason\n+48 601 000 001,asked by email\n0044 20 7946 0958,\n');
    expect(r.rows).toBe(2);
    expect(r.invalid).toEqual([]);
    expect(r.valid).toEqual([
      { line: 2, recipient: '+48601000001', reason: 'asked by email' },
      { line: 3, recipient: '+442079460958', reason: null },
    ]);
  });

  it('reads a bare list without a header, with semicolons, and finds the columns by name', () => {
    expect(parseOptOutCsv('+48601000001\n+48601000002\n').valid.map((v) => v.recipient)).toEqual(['+48601000001', '+48601000002']);
    expect(parseOptOutCsv('+48601000001;complaint\n').valid[0]).toMatchObject({ reason: 'complaint' });
    const named = parseOptOutCsv('note,whatsapp_number\nlegal hold,+48601000003\n');
    expect(named.valid).toEqual([{ line: 2, recipient: '+48601000003', reason: 'legal hold' }]);
  });

  it('reports every bad row by the line a spreadsheet shows, blank lines and quoted line breaks included', () => {
    const csv = [
      'phone,reason', // 1
      '+48601000001,ok', // 2
      '', // 3
      '601000002,no country code', // 4
      '"+48601000003","two', // 5
      'lines"', // 6
      '+999 1,not a number', // 7
      ',empty', // 8
      'hello,letters', // 9
      `+48601000004,${'x'.repeat(501)}`, // 10
    ].join('\r\n');
    const r = parseOptOutCsv(csv);
    expect(r.valid.map((v) => [v.line, v.recipient])).toEqual([
      [2, '+48601000001'],
      [5, '+48601000003'],
    ]);
    expect(r.invalid.map((e) => e.line)).toEqual([4, 7, 8, 9, 10]);
    expect(r.invalid[0]!.message).toMatch(/country code/);
    expect(r.invalid[2]!.message).toMatch(/No phone number/);
    expect(r.rows).toBe(7);
  });

  it('reports an unclosed quote on its line', () => {
    const r = parseOptOutCsv('+48601000001,ok\n"+48601000002,oops\n');
    expect(r.valid).toHaveLength(1);
    expect(r.invalid).toEqual([{ line: 2, message: 'A quoted value is never closed' }]);
  });

  it('uses the default reason for rows without one and drops duplicates within the file', () => {
    const r = parseOptOutCsv('+48601000001\n+48 601 000 001,again\n', 'Imported from the CRM');
    expect(r.valid).toEqual([{ line: 1, recipient: '+48601000001', reason: 'Imported from the CRM' }]);
  });

  it('exports what it imports, with formula-like cells defused', () => {
    const csv = toOptOutCsv([
      { recipient: '+48601000001', source: 'keyword', reason: null, createdAt: new Date('2026-11-01T10:00:00Z'), createdBy: null },
      {
        recipient: '+48601000002',
        source: 'manual',
        reason: '=HYPERLINK("x")',
        createdAt: new Date('2026-11-02T10:00:00Z'),
        createdBy: 'acc-1',
      },
    ]);
    expect(csv.split('\r\n')[0]).toBe('phone,reason,source,opted_out_at,added_by');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).not.toMatch(/(^|,)=/m);
    const back = parseOptOutCsv(csv);
    expect(back.invalid).toEqual([]);
    expect(back.valid.map((v) => v.recipient)).toEqual(['+48601000001', '+48601000002']);
    expect(back.valid[1]!.reason).toBe('=HYPERLINK("x")');
  });
});
