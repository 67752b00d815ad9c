import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUIET_HOURS_POLICY, QuietHours } from './quiet-hours.ts';
import { readRecipientFile, RecipientFileError, type RecipientFileOptions } from './recipient-file.ts';

const options = (over: Partial<RecipientFileOptions> = {}): RecipientFileOptions => ({
  mapping: { phoneColumn: 'phone', variableColumns: ['name', 'order'], timeZoneColumn: null, defaultCountry: 'PL' },
  fallbacks: [],
  variableCount: 2,
  quietHours: null,
  ...over,
});

/** Streams the text in small chunks, as an HTTP body arrives. */
const stream = (content: string | Buffer, chunk = 7) => {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk);
    })(),
  );
};

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RecipientFileError);
  return err as RecipientFileError;
};

describe('reading a recipient file', () => {
  it('reports invalid rows by line and reason, duplicates, and rows with empty variables; keeps file order', async () => {
    const csv = [
      'phone,name,order',
      '+48 601 234 567,Ann,A-1', // line 2
      '601234568,Bob,A-2', // national, default country PL
      'not a phone,Cy,A-3',
      '+48601234567,Ann again,A-4', // duplicate of line 2
      '+48601234569,,A-5', // empty name, no fallback
      '',
      '"+48 601 234 570","Dee, the second",A-6', // quoted comma
      '12345,Eve,A-7',
    ].join('\r\n');
    const r = await readRecipientFile(stream(csv), options());
    expect(r.rows).toBe(7);
    expect(r.valid.e164).toEqual(['+48601234567', '+48601234568', '+48601234570']);
    expect(r.valid.line).toEqual([2, 3, 8]);
    expect(JSON.parse(r.valid.variables[2]!)).toEqual(['Dee, the second', 'A-6']);
    expect(r.valid.country).toEqual(['PL', 'PL', 'PL']);
    expect(r).toMatchObject({ invalid: 2, duplicates: 1, missingVariables: 1 });
    expect(r.rejected).toEqual([
      { line: 4, phone: 'not a phone', kind: 'invalid', reason: 'A phone number has only digits' },
      { line: 5, phone: '+48601234567', kind: 'duplicate', reason: 'Same number as line 2' },
      { line: 6, phone: '+48601234569', kind: 'missing_variables', reason: 'Empty {{1}} ("name") and no fallback value' },
      { line: 9, phone: '12345', kind: 'invalid', reason: expect.stringMatching(/Not a valid|Not a phone/) },
    ]);
  });

  it('fills empty cells with fallback values, reads semicolon files and a BOM, and groups marketing recipients for quiet hours', async () => {
    const csv = '\uFEFFphone;name;order\n+33612345678;;B-1\n+13055550123;Fay;B-2\n';
    const r = await readRecipientFile(
      stream(csv),
      options({ fallbacks: ['there', ''], quietHours: new QuietHours(DEFAULT_QUIET_HOURS_POLICY) }),
    );
    expect(r.valid.variables.map((v) => JSON.parse(v))).toEqual([
      ['there', 'B-1'],
      ['Fay', 'B-2'],
    ]);
    expect(r.valid.policyKey).toEqual(['fr|cc:FR', 'us-fl|rule']);
  });

  it("uses the contact's time zone column when mapped, and rejects an unknown zone by line", async () => {
    const csv = 'phone,name,order,tz\n+48601234567,A,1,Asia/Tokyo\n+48601234568,B,2,\n+48601234569,C,3,Mars/Base\n';
    const r = await readRecipientFile(
      stream(csv),
      options({
        mapping: { phoneColumn: 'phone', variableColumns: ['name', 'order'], timeZoneColumn: 'tz', defaultCountry: null },
        quietHours: new QuietHours(DEFAULT_QUIET_HOURS_POLICY),
      }),
    );
    expect(r.valid.policyKey).toEqual(['default|tz:Asia/Tokyo', 'default|cc:PL']);
    expect(r.rejected).toEqual([{ line: 4, phone: '+48601234569', kind: 'invalid', reason: expect.stringContaining('Unknown time zone') }]);
  });

  it('keeps line numbers true when a quoted cell spans lines', async () => {
    const csv = 'phone,name,order\n+48601234567,"two\nlines",X\nbad,Z,Y\n';
    const r = await readRecipientFile(stream(csv), options());
    expect(JSON.parse(r.valid.variables[0]!)).toEqual(['two lines', 'X']);
    expect(r.rejected[0]!.line).toBe(4);
  });

  it('refuses a file that is not UTF-8 (a legacy Excel export), naming the fix', async () => {
    const latin1 = Buffer.from('phone,name,order\n+48601234567,Zo\xeb,1\n', 'latin1');
    const err = await refusal(readRecipientFile(stream(latin1), options()));
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/not UTF-8.*CSV UTF-8/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone\n+48601234567\n', 'utf16le')]);
    expect((await refusal(readRecipientFile(stream(utf16), options()))).message).toMatch(/not UTF-8/);
  });

  it('refuses a file without the mapped phone column, listing the columns it has', async () => {
    const err = await refusal(readRecipientFile(stream('mobile,name,order\n+48601234567,A,1\n'), options()));
    expect(err.message).toBe('The file has no column "phone" for the phone number. Its columns are: "mobile", "name", "order".');
    expect(err.field).toBe('phoneColumn');
  });

  it('refuses a 10 MB line without reading it whole', async () => {
    const huge = `phone,name,order\n+48601234567,${'x'.repeat(10 * 1024 * 1024)},1\n`;
    const err = await refusal(readRecipientFile(stream(huge, 64 * 1024), options()));
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/Line 2 is longer than 64 KB/);
  });

  it('refuses more rows than the limit, and binary content', async () => {
    const rows = ['phone,name,order', ...Array.from({ length: 11 }, (_, i) => `+4860123${String(4000 + i)},A,1`)].join('\n');
    const err = await refusal(readRecipientFile(stream(rows, 100), options({ maxRows: 10 })));
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/more than 10 rows/);
    const binary = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]);
    expect((await refusal(readRecipientFile(stream(binary), options()))).message).toMatch(/binary|not UTF-8/);
    expect((await refusal(readRecipientFile(stream(''), options()))).message).toBe('The file is empty.');
    expect((await refusal(readRecipientFile(stream('phone,name,order\n'), options()))).message).toMatch(/no recipients/);
  });
});
