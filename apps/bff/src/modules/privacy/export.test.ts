import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, type SandboxOrg, type Stack } from '../../test/stack.ts';
import { GLOBAL_TABLES } from './export.service.ts';
import { FILLED_TABLES, fillOrg, unzip } from '../../test/privacy-test-kit.ts';

describe.each(DB_KINDS)('organization export on %s', (kind) => {
  let s: Stack;
  let a: SandboxOrg;
  let b: SandboxOrg;

  beforeAll(async () => {
    s = await startStack(kind);
    [a, b] = s.orgs as [SandboxOrg, SandboxOrg];
    await fillOrg(s.database, a.id, 'AAAA', '+15550001111');
    await fillOrg(s.database, b.id, 'BBBB', '+15550002222');
  });
  afterAll(async () => {
    await s?.close();
  });

  const download = async (token: string) => {
    const res = await fetch(`${s.bffUrl}/api/privacy/export.zip`, { headers: { authorization: `Bearer ${token}` } });
    return { res, buf: Buffer.from(await res.arrayBuffer()) };
  };

  it("L.11e: the owner downloads a ZIP of JSON and CSV holding every table's rows of the organization and nothing of another", async () => {
    const { res, buf } = await download(await s.token(a, 'owner'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="?whatsapp-data-export-.*\.zip/);
    const files = await unzip(buf);
    const manifest = JSON.parse(files.get('manifest.json')!);
    expect(manifest.organizationId).toBe(a.id);

    // Every public table is either exported or holds nothing about organizations.
    const all = (
      await s.database.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
      )
    ).map((r) => r.table_name);
    for (const t of all) if (!GLOBAL_TABLES.has(t)) expect(files.has(`${t}.json`), `${t}.json in the export`).toBe(true);

    const { services } = s;
    for (const t of await services.privacy.exports.tables()) {
      const json = JSON.parse(files.get(`${t.table}.json`)!) as Record<string, unknown>[];
      const csv = Papa.parse<Record<string, string>>(files.get(`${t.table}.csv`)!, { header: true, skipEmptyLines: true }).data;
      const expected = await s.database.query<Record<string, unknown>>(`select * from "${t.table}" where ${t.where}`, [a.id]);
      expect(json.length, t.table).toBe(expected.length);
      expect(csv.length, t.table).toBe(expected.length);
      expect(manifest.tables[t.table]).toBe(expected.length);
      if (FILLED_TABLES.includes(t.table)) expect(json.length, `${t.table} has rows of the organization`).toBeGreaterThan(0);
      // Same rows: compare a canonical JSON of each row, secrets left out.
      const canon = (r: Record<string, unknown>) =>
        JSON.stringify(t.columns.map((c) => (r[c] instanceof Date ? (r[c] as Date).toISOString() : (r[c] ?? null))));
      expect(json.map(canon).sort(), t.table).toEqual(expected.map(canon).sort());
      const text = files.get(`${t.table}.json`)! + files.get(`${t.table}.csv`)!;
      expect(text, t.table).not.toContain(b.id);
      expect(text, t.table).not.toContain('BBBB');
      expect(text, t.table).not.toContain('+15550002222');
    }
    // Nothing of the other organization, and no credential, anywhere in the archive.
    const everything = [...files.values()].join('\n');
    expect(everything).not.toContain(b.id);
    expect(everything).not.toContain('BBBB');
    expect(everything).not.toContain('SEALED-');
    const [org] = await s.database.query<{ webhook_secret: string }>('select webhook_secret from organizations where id = $1', [a.id]);
    expect(everything).not.toContain(org!.webhook_secret);
    expect(everything).toContain('+15550001111');
    expect(everything).toContain('Campaign AAAA');
  });

  it('L.11e: agents may not export', async () => {
    const { res } = await download(await s.token(a, 'agent'));
    expect(res.status).toBe(403);
  });
});
