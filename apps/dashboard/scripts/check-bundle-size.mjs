// Fails the build when the JavaScript a browser downloads to show the first page (the entry chunk
// and every chunk it imports statically, not the lazy pages) is over the budget, gzipped.
// Reads Vite's manifest (build.manifest) so it follows the real import graph.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const BUDGET_BYTES = 200 * 1024;
const dist = path.resolve(import.meta.dirname, '../dist');
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));

const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);

const files = [...initial].filter((f) => f.endsWith('.js'));
const sizes = files.map((f) => ({ file: f, gzip: zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length }));
const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
for (const s of sizes) console.log(`  ${s.file}  ${kB(s.gzip)} gzipped`);
console.log(`Initial JavaScript: ${kB(total)} gzipped (budget ${kB(BUDGET_BYTES)})`);
fs.writeFileSync(
  path.join(dist, 'bundle-size.json'),
  JSON.stringify({ initialJsGzipBytes: total, budgetBytes: BUDGET_BYTES, files: sizes }, null, 2),
);
if (total > BUDGET_BYTES) {
  console.error(`Initial JavaScript is over budget by ${kB(total - BUDGET_BYTES)}: lazy-load more (see src/app/router.tsx).`);
  process.exit(1);
}
