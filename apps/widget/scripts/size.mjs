#!/usr/bin/env node
// Prints the gzip size of the JavaScript each HTML entry of dist/ loads: the <script type="module"> and
// <link rel="modulepreload"> tags (what the browser fetches before the page can run), and, on top, the chunks
// it can import lazily later (found by following import("...") in those chunks). No dependencies.
//
//   node apps/widget/scripts/size.mjs [distDir]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
const BASE = '/widget/';
const PAGES = ['details', 'fullscreen', 'floor'];

/** dist-relative path of a URL written in the HTML or a chunk, or null for anything outside dist. */
function toDistPath(url, fromFile) {
  if (/^[a-z]+:/i.test(url) || url.startsWith('//')) return null;
  if (url.startsWith(BASE)) return url.slice(BASE.length);
  if (url.startsWith('/')) return url.slice(1);
  return posix.normalize(posix.join(posix.dirname(fromFile), url));
}

const gz = new Map();
function gzipBytes(file) {
  if (!gz.has(file)) {
    const buf = readFileSync(join(dist, file));
    gz.set(file, { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length });
  }
  return gz.get(file);
}

function htmlScripts(htmlFile) {
  const html = readFileSync(join(dist, htmlFile), 'utf8');
  const files = new Set();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)) files.add(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(m[0]);
    if (href) files.add(href[1]);
  }
  return [...files].map((u) => toDistPath(u, htmlFile)).filter((f) => f && f.endsWith('.js') && existsSync(join(dist, f)));
}

/** Static imports (`from "./x.js"`, `import "./x.js"`) and dynamic ones (`import("./x.js")`) of a chunk. */
function chunkImports(file) {
  const code = readFileSync(join(dist, file), 'utf8');
  const statics = new Set();
  const dynamics = new Set();
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*)["']([^"']+\.js)["']/g)) statics.add(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+\.js)["']\s*\)/g)) dynamics.add(m[1]);
  // Vite's preload helper lists a dynamic import's dependencies as plain strings, e.g. "assets/x.js".
  for (const m of code.matchAll(/["']((?:\.{1,2}\/|assets\/)[\w./-]+\.js)["']/g)) if (!statics.has(m[1])) dynamics.add(m[1]);
  const resolveAll = (set) =>
    [...set]
      .map((u) => (u.startsWith('assets/') ? u : toDistPath(u, file)))
      .filter((f) => f && existsSync(join(dist, f)));
  return { statics: resolveAll(statics), dynamics: resolveAll(dynamics) };
}

function closure(start, includeDynamic) {
  const seen = new Set();
  const queue = [...start];
  while (queue.length) {
    const f = queue.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    const { statics, dynamics } = chunkImports(f);
    queue.push(...statics, ...(includeDynamic ? dynamics : []));
  }
  return seen;
}

const sum = (files) => [...files].reduce((a, f) => ({ raw: a.raw + gzipBytes(f).raw, gzip: a.gzip + gzipBytes(f).gzip }), { raw: 0, gzip: 0 });
const kb = (n) => (n / 1024).toFixed(1).padStart(7);

if (!existsSync(dist)) {
  console.error(`No ${dist}; run the build first (pnpm --filter @wa/widget build).`);
  process.exit(1);
}

const rows = [];
for (const page of PAGES) {
  const html = `${page}.html`;
  if (!existsSync(join(dist, html))) continue;
  const initial = closure(htmlScripts(html), false);
  const all = closure(initial, true);
  rows.push({ page, initial: sum(initial), all: sum(all), files: [...initial], lazy: [...all].filter((f) => !initial.has(f)) });
}

console.log(`JS per HTML entry in ${dist} (KB; gzip -9)\n`);
console.log('page          initial gzip   (raw)   + lazy gzip   total gzip');
for (const r of rows) {
  console.log(
    `${r.page.padEnd(12)} ${kb(r.initial.gzip)}    ${kb(r.initial.raw)}   ${kb(r.all.gzip - r.initial.gzip)}      ${kb(r.all.gzip)}`,
  );
}
const floor = rows.find((r) => r.page === 'floor');
if (floor) {
  console.log('\nabove the floor (initial / total):');
  for (const r of rows.filter((x) => x !== floor)) {
    console.log(`  ${r.page.padEnd(12)} +${kb(r.initial.gzip - floor.initial.gzip).trim()} KB / +${kb(r.all.gzip - floor.all.gzip).trim()} KB`);
  }
}
if (process.argv.includes('--files') || process.env.SIZE_FILES) {
  for (const r of rows) {
    console.log(`\n${r.page}:`);
    for (const f of r.files) console.log(`  ${kb(gzipBytes(f).gzip)}  ${f}`);
    for (const f of r.lazy) console.log(`  ${kb(gzipBytes(f).gzip)}  ${f}  (lazy)`);
  }
}
