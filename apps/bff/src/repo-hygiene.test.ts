import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The repository speaks of the product only: no path of one machine (a home or workspace directory) and no
 * notes about how the work was organised (a work item's number). These checks read every file git would commit:
 * tracked files and new files that are not ignored.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const SKIP = new Set(['pnpm-lock.yaml']);
const BINARY = /\.(png|jpe?g|gif|webp|ico|woff2?|ttf|otf|zip|gz|pdf)$/i;

function committableFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.split('\0').filter(Boolean))].filter((f) => !SKIP.has(f) && !BINARY.test(f));
}

function readText(file: string): string | null {
  const path = join(root, file);
  try {
    if (!statSync(path).isFile()) return null;
  } catch {
    return null; // deleted in the working tree, not yet committed
  }
  const text = readFileSync(path, 'utf8');
  return text.includes('\0') ? null : text;
}

function findAll(pattern: RegExp): string[] {
  const hits: string[] = [];
  for (const file of committableFiles()) {
    const text = readText(file);
    if (text === null) continue;
    text.split('\n').forEach((line, i) => {
      const m = pattern.exec(line);
      if (m) hits.push(`${file}:${i + 1}: ${m[0]}`);
    });
  }
  return hits;
}

// Built from pieces so that this file does not match itself.
const slash = '/';
const ABSOLUTE_MACHINE_PATH = new RegExp(
  [
    `(?<![\\w.:${slash}-])${slash}work${slash}`,
    `(?<![\\w.:${slash}-])${slash}home${slash}[a-z_][\\w.-]*`,
    `(?<![\\w.:${slash}-])${slash}root${slash}[\\w.-]+`,
    `(?<![\\w])[A-Z]:\\\\Users\\\\`,
  ].join('|'),
);
const WORK_ORGANISATION_NOTE = new RegExp(`\\b${'iss'}ues?\\s*#?\\d+`, 'i');

describe('a repository that explains itself', () => {
  it('finds the files to check', () => {
    const files = committableFiles();
    expect(files).toContain('README.md');
    expect(files).toContain('apps/bff/src/config.ts');
  });

  it('holds no absolute path of a home or workspace directory', () => {
    expect(findAll(ABSOLUTE_MACHINE_PATH)).toEqual([]);
  });

  it('names things after what they do, not after the work item that added them', () => {
    expect(findAll(WORK_ORGANISATION_NOTE)).toEqual([]);
  });

  it('recognises what it forbids', () => {
    const home = `${slash}home${slash}alice${slash}src`;
    const work = `see ${slash}work${slash}main${slash}README.md`;
    const rootHome = `${slash}root${slash}.cache`;
    for (const bad of [home, work, rootHome, `"${home}"`]) expect(bad).toMatch(ABSOLUTE_MACHINE_PATH);
    // Built from pieces like the bad ones, so this file does not itself look like it names a machine path.
    const url = `https://example.com${slash}work${slash}x`;
    const relative = `apps${slash}bff${slash}src${slash}work${slash}x.ts`;
    for (const fine of [url, relative, '/api/home', 'node_modules/.pnpm']) {
      expect(fine).not.toMatch(ABSOLUTE_MACHINE_PATH);
    }
    expect(`${'Iss'}ue 5's services`).toMatch(WORK_ORGANISATION_NOTE);
    expect(`(${'iss'}ue #12)`).toMatch(WORK_ORGANISATION_NOTE);
    expect('github.com/o/r/issues/12').not.toMatch(WORK_ORGANISATION_NOTE);
  });
});
