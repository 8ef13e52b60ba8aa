/**
 * `npm run bench:report`: the latest bench/results/<bench>-<timestamp>.json of each kind, rendered into
 * the docs between `<!-- generated:<section>:start -->` and `<!-- generated:<section>:end -->`, so no
 * figure in the docs is copied by hand. A section whose bench has no result yet says which command
 * writes one. Older results stay in bench/results as the history.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  renderFaultMatrix,
  renderFaultMatrixPeers,
  renderHeadline,
  renderLiveBackpressure,
  renderLoadTestMemory,
  renderLoopTest,
  renderMetricsOverhead,
  renderReadPath,
  renderReadPathPeers,
  renderSentinelMatrix,
  renderSoak,
  type Latest,
} from './report-tables';
import type { BenchResult } from './support';

/** Every generated section: the file (from the repository root) that holds its markers, and its renderer. */
export const SECTIONS: { file: string; section: string; render: (latest: Latest) => string }[] = [
  { file: 'README.md', section: 'headline', render: renderHeadline },
  { file: 'docs/benchmarks.md', section: 'read-path', render: renderReadPath },
  { file: 'docs/benchmarks.md', section: 'read-path-peers', render: renderReadPathPeers },
  { file: 'docs/benchmarks.md', section: 'loadtest', render: renderLoopTest },
  { file: 'docs/benchmarks.md', section: 'metrics-overhead', render: renderMetricsOverhead },
  { file: 'docs/benchmarks.md', section: 'loadtest-memory', render: renderLoadTestMemory },
  { file: 'docs/benchmarks.md', section: 'soak', render: renderSoak },
  { file: 'docs/benchmarks.md', section: 'live-backpressure', render: renderLiveBackpressure },
  { file: 'docs/fault-matrix.md', section: 'fault-matrix', render: renderFaultMatrix },
  { file: 'docs/fault-matrix.md', section: 'sentinel-matrix', render: renderSentinelMatrix },
  { file: 'docs/fault-matrix.md', section: 'fault-matrix-peers', render: renderFaultMatrixPeers },
];

const isResult = (x: unknown): x is BenchResult =>
  typeof x === 'object' && x !== null && typeof (x as BenchResult).bench === 'string' && typeof (x as BenchResult).date === 'string';

/** The latest result of each kind, by the date each result records (not by file name). */
export function latestByKind(results: unknown[]): Latest {
  const latest: Latest = new Map();
  for (const r of results) {
    if (!isResult(r)) continue;
    const seen = latest.get(r.bench);
    if (!seen || r.date > seen.date) latest.set(r.bench, r);
  }
  return latest;
}

/** `text` with the content between one section's markers replaced; a missing marker is an error, never skipped. */
export function replaceSection(text: string, section: string, content: string, file = 'the file'): string {
  const start = `<!-- generated:${section}:start -->`;
  const end = `<!-- generated:${section}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file}: no ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content.trim()}\n${text.slice(to)}`;
}

/** Every file's new text, given the files' current texts and the results. */
export function renderReport(files: Record<string, string>, results: unknown[]): Record<string, string> {
  const latest = latestByKind(results);
  const out = { ...files };
  for (const { file, section, render } of SECTIONS) out[file] = replaceSection(out[file], section, render(latest), file);
  return out;
}

/** Reads every result in `resultsDir`, rewrites the generated sections of the docs under `root`; returns the files changed. */
export function writeReport(root: string, resultsDir: string): string[] {
  const results = fs.existsSync(resultsDir)
    ? fs
        .readdirSync(resultsDir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')) as unknown)
    : [];
  const names = [...new Set(SECTIONS.map((s) => s.file))];
  const before = Object.fromEntries(names.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));
  const after = renderReport(before, results);
  const changed = names.filter((f) => after[f] !== before[f]);
  for (const f of changed) fs.writeFileSync(path.join(root, f), after[f]);
  const latest = latestByKind(results);
  console.log(`bench report: ${[...latest.values()].map((r) => `${r.bench} ${r.date}`).join(', ') || 'no results'}`);
  return changed;
}

if (require.main === module) writeReport(path.join(__dirname, '..'), path.join(__dirname, 'results'));
