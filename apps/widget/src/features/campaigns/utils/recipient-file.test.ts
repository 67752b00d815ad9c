import { describe, expect, it } from 'vitest';
import { guessPhoneColumn, guessTimeZoneColumn, pastedNumbersToCsv, previewFile } from './recipient-file.ts';

describe('reading a chosen recipient file in the widget', () => {
  it('previews the columns and first rows, semicolons included, and guesses the phone column', async () => {
    const file = new Blob(['Name;Mobile;Order;TZ\nAnn;+48 601 234 567;A-1;Europe/Warsaw\nBob;601234568;A-2;\n'], { type: 'text/csv' });
    const preview = await previewFile(file);
    expect(preview.columns).toEqual(['Name', 'Mobile', 'Order', 'TZ']);
    expect(preview.rows[0]).toEqual(['Ann', '+48 601 234 567', 'A-1', 'Europe/Warsaw']);
    expect(guessPhoneColumn(preview)).toBe('Mobile');
    expect(guessTimeZoneColumn(preview)).toBe('TZ');
  });

  it('falls back to the column whose values look like phone numbers', () => {
    expect(
      guessPhoneColumn({
        columns: ['who', 'contact'],
        rows: [
          ['Ann', '+44 7400 123456'],
          ['Bob', '(020) 7946 0000'],
        ],
      }),
    ).toBe('contact');
    expect(guessPhoneColumn({ columns: ['who', 'order'], rows: [['Ann', 'A-1']] })).toBeNull();
  });

  it('turns pasted numbers (lines, commas, semicolons) into a one-column CSV', () => {
    expect(pastedNumbersToCsv('+48 601 234 567\n602345678, 603456789;\n\n')).toEqual({
      csv: 'phone\n+48 601 234 567\n602345678\n603456789',
      count: 3,
    });
  });
});
