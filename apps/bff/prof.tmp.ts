import { createReadStream } from 'node:fs';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import Papa from 'papaparse';
import { readRecipientFile } from './src/modules/campaigns/recipient-file.ts';
import { QuietHours } from './src/modules/campaigns/quiet-hours.ts';
const file = process.argv[2]!;
function floor(): Promise<number> {
  return new Promise((resolve, reject) => {
    const seen = new Set<string>(); let header = true;
    Papa.parse<string[]>(createReadStream(file, 'utf8'), { chunk: (r) => { for (const row of r.data) { if (header) { header = false; continue; } const p = parsePhoneNumberFromString(row[0] ?? '', 'PL'); if (!p?.isValid()) continue; seen.add(p.number); } }, complete: () => resolve(seen.size), error: reject });
  });
}
const mapping = { phoneColumn: 'phone', variableColumns: ['name', 'discount'], timeZoneColumn: null, defaultCountry: 'PL' };
const qh = (QuietHours as any).fromEnv ? (QuietHours as any).fromEnv() : null;
async function read(withQh: boolean) { return readRecipientFile(createReadStream(file), { mapping, fallbacks: ['there', '10%'], variableCount: 2, quietHours: withQh ? qh : null }); }
for (let round = 0; round < 3; round++) {
  let t = performance.now(); await floor(); const f = performance.now() - t;
  t = performance.now(); await read(false); const r = performance.now() - t;
  t = performance.now(); await read(true); const q = performance.now() - t;
  console.log({ floor: Math.round(f), read: Math.round(r), readQh: Math.round(q), qh: !!qh });
}
