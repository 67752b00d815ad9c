#!/usr/bin/env node
// Prints the gzip size of the JavaScript each HTML entry of dist/ loads: the <script type="module"> and
// <link rel="modulepreload"> tags (what the browser fetches before the page can run), and, on top, the chunks
// it can import lazily later (found by following import("...") in those chunks). No dependencies.
//
// The floor page (a trivial render of the same framework pieces) is built apart, into dist-floor/, by
// vite.floor.config.ts; `pnpm --filter @wa/widget size` builds both and runs this.
//
//   node apps/widget/scripts/size.mjs [distDir] [floorDistDir]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const widgetRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(args[0] ?? join(widgetRoot, 'dist'));
const floorDist = resolve(args[1] ?? join(widgetRoot, 'dist-floor'));
const BASE = '/widget/';
const PAGES = [
  { page: 'details', dir: dist },
  { page: 'fullscreen', dir: dist },
  { page: 'floor', dir: floorDist },
];

/** dist-relative path of a URL written in the HTML or a chunk, or null for anything outside dist. */
function toDistPath(url, fromFile) {
  if (/^[a-z]+:/i.test(url) || url.startsWith('//')) return null;
  if (url.startsWith(BASE)) return url.slice(BASE.length);
  if (url.startsWith('/')) return url.slice(1);
  return posix.normalize(posix.join(posix.dirname(fromFile), url));
}

const gz = new Map();
/** Files are absolute paths from here on: the widget and the floor live in different directories. */
function gzipBytes(file) {
  if (!gz.has(file)) {
    const buf = readFileSync(file);
    gz.set(file, { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length });
  }
  return gz.get(file);
}

function htmlScripts(dir, htmlFile) {
  const html = readFileSync(join(dir, htmlFile), 'utf8');
  const files = new Set();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)) files.add(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(m[0]);
    if (href) files.add(href[1]);
  }
  return [...files]
    .map((u) => toDistPath(u, htmlFile))
    .filter((f) => f && f.endsWith('.js') && existsSync(join(dir, f)))
    .map((f) => join(dir, f));
}

/** Static imports (`from "./x.js"`, `import "./x.js"`) and dynamic ones (`import("./x.js")`) of a chunk. */
function chunkImports(dir, file) {
  const code = readFileSync(file, 'utf8');
  const rel = relative(dir, file).split(sep).join('/');
  const statics = new Set();
  const dynamics = new Set();
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*)["']([^"']+\.js)["']/g)) statics.add(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+\.js)["']\s*\)/g)) dynamics.add(m[1]);
  // Vite's preload helper lists a dynamic import's dependencies as plain strings, e.g. "assets/x.js".
  for (const m of code.matchAll(/["']((?:\.{1,2}\/|assets\/)[\w./-]+\.js)["']/g)) if (!statics.has(m[1])) dynamics.add(m[1]);
  const resolveAll = (set) =>
    [...set]
      .map((u) => (u.startsWith('assets/') ? u : toDistPath(u, rel)))
      .filter((f) => f && existsSync(join(dir, f)))
      .map((f) => join(dir, f));
  return { statics: resolveAll(statics), dynamics: resolveAll(dynamics) };
}

function closure(dir, start, includeDynamic) {
  const seen = new Set();
  const queue = [...start];
  while (queue.length) {
    const f = queue.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    const { statics, dynamics } = chunkImports(dir, f);
    queue.push(...statics, ...(includeDynamic ? dynamics : []));
  }
  return seen;
}

const sum = (files) =>
  [...files].reduce((a, f) => ({ raw: a.raw + gzipBytes(f).raw, gzip: a.gzip + gzipBytes(f).gzip }), { raw: 0, gzip: 0 });
const kb = (n) => (n / 1024).toFixed(1).padStart(7);

if (!existsSync(dist)) {
  console.error(`No ${dist}; run the build first (pnpm --filter @wa/widget build).`);
  process.exit(1);
}

const rows = [];
for (const { page, dir } of PAGES) {
  const html = `${page}.html`;
  if (!existsSync(join(dir, html))) continue;
  const initial = closure(dir, htmlScripts(dir, html), false);
  const all = closure(dir, initial, true);
  const show = (f) => relative(dir, f).split(sep).join('/');
  rows.push({
    page,
    initial: sum(initial),
    all: sum(all),
    files: [...initial].map(show),
    lazy: [...all].filter((f) => !initial.has(f)).map(show),
    dir,
  });
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
    console.log(
      `  ${r.page.padEnd(12)} +${kb(r.initial.gzip - floor.initial.gzip).trim()} KB / +${kb(r.all.gzip - floor.all.gzip).trim()} KB`,
    );
  }
}
if (process.argv.includes('--files') || process.env.SIZE_FILES) {
  for (const r of rows) {
    console.log(`\n${r.page}:`);
    for (const f of r.files) console.log(`  ${kb(gzipBytes(join(r.dir, f)).gzip)}  ${f}`);
    for (const f of r.lazy) console.log(`  ${kb(gzipBytes(join(r.dir, f)).gzip)}  ${f}  (lazy)`);
  }
}
