import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from './config.ts';

/** Every variable the BFF reads is documented in one table of docs/configuration.md. */
const page = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

function tableBlocks(markdown: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (line.trimStart().startsWith('|')) (current ??= []).push(line);
    else if (current) {
      blocks.push(current);
      current = null;
    }
  }
  if (current) blocks.push(current);
  return blocks;
}

describe('docs/configuration.md', () => {
  const blocks = tableBlocks(page);

  it('holds one configuration table, not broken in pieces', () => {
    expect(blocks).toHaveLength(1);
    expect(blocks[0]![1]).toMatch(/^\|\s*-+\s*\|/);
  });

  it('documents every key of the config schema in the first column of that table', () => {
    const documented = new Set(
      (blocks[0] ?? []).slice(2).flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)),
    );
    const keys = Object.keys(ConfigSchema.shape);
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((k) => !documented.has(k))).toEqual([]);
  });

  it('documents no variable the BFF does not read', () => {
    const keys = new Set(Object.keys(ConfigSchema.shape));
    const documented = (blocks[0] ?? [])
      .slice(2)
      .flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
    expect(documented.filter((k) => !keys.has(k))).toEqual([]);
  });
});
