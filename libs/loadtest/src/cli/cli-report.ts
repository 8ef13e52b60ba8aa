import type { LatencySummary } from '@rrl/contracts';
import type { LoopLatencyHistogram } from '../loop-latency-histogram';
import type { HttpLatencies, HttpLoadTestSnapshot } from './http-loadtest';

const BAR_WIDTH = 30;

/** One line for a terminal: bar, done/total, rate, ETA, success %, source split. */
export function progressLine(s: HttpLoadTestSnapshot): string {
  const fraction = s.total ? s.done / s.total : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const reads = s.readsBySource.redis + s.readsBySource.mysql;
  const split = reads ? `redis ${pct(s.readsBySource.redis / reads, 1)} mysql ${pct(s.readsBySource.mysql / reads, 1)}` : 'no reads yet';
  return [
    `[${'='.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}]`,
    `${count(s.done)}/${count(s.total)}`,
    `${count(s.ratePerSecond)}/s`,
    `ETA ${s.etaSeconds === null ? '?' : duration(s.etaSeconds * 1000)}`,
    `ok ${pct(s.done ? s.checks.passed / s.done : 1, 2)}`,
    split,
    s.checks.failed ? `failed ${count(s.checks.failed)}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

/** The end-of-test summary, in the spirit of k6's: dotted names, values, latency percentiles. */
export function summary(s: HttpLoadTestSnapshot, latency: HttpLatencies): string {
  const rows: [string, string][] = [
    ['checks', `${pct(s.done ? s.checks.passed / s.done : 1, 2)}  ✓ ${s.checks.passed}  ✗ ${s.checks.failed}`],
    ['iterations', `${s.done}  ${s.averageRatePerSecond}/s  (of ${s.total}, ${duration(s.elapsedMs)})`],
    ['http_req_duration', latencyRow(latency.all)],
    ['  { source: redis }', latencyRow(latency.redis)],
    ['  { source: mysql }', latencyRow(latency.mysql)],
    ['  { write }', latencyRow(latency.write)],
    ['  { failed }', latencyRow(latency.failed)],
    ['reads by source', `redis=${s.readsBySource.redis} mysql=${s.readsBySource.mysql}  writes=${s.writes}`],
    [
      'errors by kind',
      Object.entries(s.errorsByKind)
        .map(([k, n]) => `${k}=${n}`)
        .join('  ') || 'none',
    ],
    ['gaps (all requests failing)', s.gaps.length ? `${s.gaps.length}` : 'none'],
    ...s.gaps.map((g, i): [string, string] => [
      `  gap ${i + 1}`,
      `${g.startedAt} for ${duration(g.durationMs)}${g.endedAt ? '' : ' (still failing at the end)'}, ${g.failedRequests} failed requests`,
    ]),
  ];
  const width = Math.max(...rows.map(([name]) => name.length)) + 4;
  return rows.map(([name, value]) => `  ${name}${'.'.repeat(width - name.length)}: ${value}`).join('\n');
}

/** Every latency histogram as numbers (ms) for --json: k6's avg and p90 next to the contracts' summary. */
export function latencyJson(
  latency: HttpLatencies,
): Record<keyof HttpLatencies, LatencySummary & { avg: number | null; p90: number | null }> {
  const one = (h: LoopLatencyHistogram) => ({ ...h.summary(), avg: h.meanMs, p90: h.percentile(90) });
  return {
    all: one(latency.all),
    redis: one(latency.redis),
    mysql: one(latency.mysql),
    write: one(latency.write),
    failed: one(latency.failed),
  };
}

function latencyRow(h: LoopLatencyHistogram): string {
  if (!h.count) return 'none';
  const ms = (v: number | null) => (v === null ? '-' : `${v < 10 ? v.toFixed(2) : v.toFixed(1)}ms`);
  return `avg=${ms(h.meanMs)} p(50)=${ms(h.percentile(50))} p(90)=${ms(h.percentile(90))} p(95)=${ms(h.percentile(95))} p(99)=${ms(h.percentile(99))} max=${ms(h.max)}  count=${h.count}`;
}

function pct(x: number, digits: number): string {
  return `${(x * 100).toFixed(digits)}%`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${s}s`;
  return s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
