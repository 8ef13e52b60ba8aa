/**
 * The Markdown the bench report puts into the docs: one renderer per generated section, each fed the
 * latest result of the bench kinds it reads. Pure functions of the results, so they are unit-tested.
 */
import type { BenchResult } from './support';

/** The latest result of each bench kind, by kind. */
export type Latest = Map<string, BenchResult>;

interface Ratio {
  median: number;
  min: number;
  max: number;
}

interface ReadPathRow {
  id: string;
  bench: string;
  baseline: number;
  measured: number;
  ratio: Ratio;
  cpuMicros?: { baseline: number; measured: number };
  target?: number;
}

interface FaultRow {
  path: string;
  inMemory: boolean;
  served: number;
  failed: number;
  failedCodes: Record<string, number>;
  hung: number;
  stale: number;
  p99Ms: number | null;
  maxWaitMs: number;
  recoverMs: number | null;
  note: string;
}

interface FaultScenario {
  scenario: string;
  params: Record<string, unknown>;
  labRun: { timeToDetectMs: number | null; timeToRecoverMs: number | null };
  attemptsPerSecond: number | null;
  rows: FaultRow[];
}

/** Which command writes each kind of result: what a reader runs to refresh a table. */
export const COMMANDS: Record<string, string> = {
  'read-path': 'npm run bench',
  loadtest: 'npm run bench',
  'metrics-overhead': 'npm run bench',
  'fault-matrix': 'npm run bench:faults',
  'fault-matrix-peers': 'npm run bench:faults -- --peers',
  'sentinel-matrix': 'npm run bench:faults -- --topology sentinel',
  soak: 'npm run bench:soak',
  'loadtest-memory': 'npm run bench:loadtest-memory',
  'live-backpressure': 'node -r esbuild-register bench/live-backpressure.ts',
};

const int = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : String(Math.round(n)));
const fixed = (n: number | null | undefined, digits: number) => (n === null || n === undefined ? 'n/a' : n.toFixed(digits));
const spread = (r: Ratio, digits = 2) => `${r.min.toFixed(digits)}–${r.max.toFixed(digits)}`;
const verdict = (value: number, target: number | undefined, atLeast = true) =>
  target === undefined ? '' : `${atLeast ? '≥' : '≤'} ${target}: ${(atLeast ? value >= target : value <= target) ? 'met' : '**missed**'}`;
const day = (r: BenchResult) => r.date.slice(0, 10);
const load = (r: BenchResult) => `load average ${r.machine.loadAverage.start[0]} at the start, ${r.machine.loadAverage.end[0]} at the end`;

/** A scalar option as `key=value`; nested options (paths, peers) get their own table instead. */
function optionList(options: Record<string, unknown>): string {
  return Object.entries(options)
    .filter(([, v]) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => typeof x !== 'object')))
    .map(([k, v]) => `\`${k}=${Array.isArray(v) ? v.join(',') : String(v)}\``)
    .join(', ');
}

function nestedOption(options: Record<string, unknown>, key: string): string {
  const v = options[key];
  if (!v || typeof v !== 'object' || Array.isArray(v)) return '';
  return `; ${key}: ${optionList(v as Record<string, unknown>)}`;
}

/** Where, when and with what a result was measured: the line every generated table starts with. */
export function provenance(r: BenchResult): string {
  const v = r.versions;
  const pkgs = ['ioredis', 'fastify', '@nestjs/core', 'typeorm']
    .filter((p) => v.packages[p])
    .map((p) => `${p} ${v.packages[p]}`)
    .join(', ');
  return (
    `Measured ${r.date.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')} by \`${COMMANDS[r.bench] ?? r.bench}\` ` +
    `on ${r.machine.cores} cores (${r.machine.cpuModel}), ${r.machine.memoryGb} GB, ${r.machine.os}; ${load(r)}. ` +
    `Node ${v.node}, redis-server ${v.redisServer ?? 'n/a'}, MariaDB ${v.mariadb ?? 'n/a'}, lab ${v.lab}` +
    `${pkgs ? `, ${pkgs}` : ''}. Options: ${optionList(r.options)}${nestedOption(r.options, 'lab')}.${busy(r)}`
  );
}

/** A warning when other work outnumbered the cores: throughput then swings round to round. */
function busy(r: BenchResult): string {
  const peak = Math.max(r.machine.loadAverage.start[0], r.machine.loadAverage.end[0]);
  return peak > r.machine.cores
    ? ` The load average was above the ${r.machine.cores} cores: other work shared the machine, so read each ratio with its spread and prefer CPU per operation.`
    : '';
}

const missing = (kind: string) => `No result yet: run \`${COMMANDS[kind] ?? kind}\`, then \`npm run bench:report\`.`;

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function failedCell(row: { failed: number; failedCodes: Record<string, number> }): string {
  if (!row.failed) return '0';
  const kinds = Object.entries(row.failedCodes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n}× \`${k}\``);
  return `${row.failed} (${kinds.slice(0, 2).join(', ')}${kinds.length > 2 ? ', …' : ''})`;
}

function readPathRows(r: BenchResult): ReadPathRow[] {
  return (r.figures as { rows: ReadPathRow[] }).rows;
}

export function renderReadPath(latest: Latest): string {
  const r = latest.get('read-path');
  if (!r) return missing('read-path');
  const rows = readPathRows(r);
  const labels: Record<string, string> = {
    'in-process:lab': 'in-process cache hit (`UserCacheService.get`) ÷ raw ioredis `GET` + `JSON.parse`',
    'http:lab': '`GET /api/users/:id` hit ÷ bare Fastify + ioredis',
    'http:cacheOnBare': '`UserCacheService.get` on bare Fastify ÷ bare Fastify + ioredis',
    'http:nestController': 'the same read as a Nest controller method ÷ bare Fastify + ioredis',
  };
  const body = Object.entries(labels).flatMap(([id, label]) => {
    const row = rows.find((x) => x.id === id);
    if (!row) return [];
    const cpu = row.cpuMicros ? `${fixed(row.cpuMicros.measured, 1)} vs ${fixed(row.cpuMicros.baseline, 1)}` : '';
    return [
      [
        label,
        int(row.baseline),
        int(row.measured),
        `**${row.ratio.median.toFixed(2)}**`,
        spread(row.ratio),
        cpu,
        verdict(row.ratio.median, row.target),
      ],
    ];
  });
  return `${provenance(r)}\n\n${table(
    ['same rounds', 'baseline ops/s', 'measured ops/s', 'ratio', 'lowest–highest round', 'CPU µs per read (vs baseline)', 'target'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
    body,
  )}`;
}

export function renderReadPathPeers(latest: Latest): string {
  const r = latest.get('read-path');
  if (!r) return missing('read-path');
  const peers = (r.options.peers as { id: string; name: string; options: string }[] | undefined) ?? [];
  const rawCpu = (r.figures as { rawCpuMicros: number }).rawCpuMicros;
  const body = readPathRows(r)
    .filter((x) => x.id.startsWith('in-process:'))
    .map((x) => {
      const id = x.id.slice('in-process:'.length);
      const peer = peers.find((p) => p.id === id);
      const name = id === 'lab' ? 'lab: `UserCacheService.get`' : (peer?.name ?? id);
      return [name, `**${x.ratio.median.toFixed(2)}**`, spread(x.ratio), fixed(x.cpuMicros?.measured, 1)];
    });
  body.push(['raw ioredis `GET` + `JSON.parse` (the baseline)', '1', '', fixed(rawCpu, 1)]);
  const options = table(
    ['path', 'library, version and options'],
    ['l', 'l'],
    peers.map((p) => [p.name, p.options]),
  );
  return `${provenance(r)}\n\n${table(['same cache hit, in-process', 'throughput ÷ raw', 'lowest–highest round', 'CPU µs per read'], ['l', 'r', 'r', 'r'], body)}\n\n${options}`;
}

export function renderLoopTest(latest: Latest): string {
  const r = latest.get('loadtest');
  if (!r) return missing('loadtest');
  const row = (r.figures as { row: ReadPathRow }).row;
  return `${provenance(r)}\n\n${table(
    ['loop test ÷ raw ioredis loop', 'raw ops/s', 'loop test ops/s', 'ratio', 'lowest–highest round', 'target'],
    ['l', 'r', 'r', 'r', 'r', 'l'],
    [
      [
        'same rounds',
        int(row.baseline),
        int(row.measured),
        `**${row.ratio.median.toFixed(2)}**`,
        spread(row.ratio),
        verdict(row.ratio.median, row.target),
      ],
    ],
  )}`;
}

export function renderMetricsOverhead(latest: Latest): string {
  const r = latest.get('metrics-overhead');
  if (!r) return missing('metrics-overhead');
  const f = r.figures as {
    rows: ({ id: string; baseline: number; candidate: number } & Ratio)[];
    cpu: Ratio;
    recordCostNs: number;
    cacheHitCpuNs: number;
  };
  const target = r.options.target as number;
  const label: Record<string, string> = { 'in-process': 'in-process cache hit, throughput', http: '`GET /api/users/:id` hit, throughput' };
  const body = f.rows.map((x) => [
    label[x.id] ?? x.id,
    int(x.baseline),
    int(x.candidate),
    `**${x.median.toFixed(3)}**`,
    spread(x),
    verdict(x.median, target),
  ]);
  body.push([
    'in-process cache hit, reads per CPU-second',
    '',
    '',
    `**${f.cpu.median.toFixed(3)}**`,
    spread(f.cpu),
    verdict(f.cpu.median, target),
  ]);
  const derived = f.cacheHitCpuNs / (f.cacheHitCpuNs + f.recordCostNs);
  body.push([
    `one recorded read: +${int(f.recordCostNs)} ns on a ${fixed(f.cacheHitCpuNs / 1000, 1)} µs hit (CPU)`,
    '',
    '',
    `**${derived.toFixed(3)}**`,
    '',
    verdict(derived, target),
  ]);
  return `${provenance(r)}\n\n${table(['metrics on ÷ off', 'off ops/s', 'on ops/s', 'ratio', 'lowest–highest round', 'target'], ['l', 'r', 'r', 'r', 'r', 'l'], body)}`;
}

export function renderLoadTestMemory(latest: Latest): string {
  const r = latest.get('loadtest-memory');
  if (!r) return missing('loadtest-memory');
  const f = r.figures as {
    status: string;
    done: number;
    averageRatePerSecond: number;
    successRate: number;
    rssMb: { baseline: number; peakAfter: number; end: number; growth: number; peakGrowth: number };
    heapUsedAfterGcMb: { min: number; max: number };
  };
  const limit = r.options.limitMb as number;
  const baselineAt = r.options.baselineAt as number;
  return `${provenance(r)}\n\n${table(
    ['figure', 'value', 'target'],
    ['l', 'r', 'l'],
    [
      ['iterations (status)', `${f.done} (${f.status})`, ''],
      ['success rate', `${(f.successRate * 100).toFixed(3)} %`, ''],
      ['iterations per second, average', int(f.averageRatePerSecond), ''],
      [
        `\`heapUsed\` after a full GC, from ${baselineAt} iterations on`,
        `${f.heapUsedAfterGcMb.min}–${f.heapUsedAfterGcMb.max} MB`,
        'flat',
      ],
      [`RSS after ${baselineAt} iterations`, `${f.rssMb.baseline} MB`, ''],
      ['RSS at the end', `${f.rssMb.end} MB (${signed(f.rssMb.growth)} MB)`, verdict(f.rssMb.growth, limit, false)],
      [
        'RSS at its highest after that',
        `${f.rssMb.peakAfter} MB (${signed(f.rssMb.peakGrowth)} MB)`,
        verdict(f.rssMb.peakGrowth, limit, false),
      ],
    ],
  )}`;
}

const signed = (n: number) => (n >= 0 ? `+${n}` : String(n));

export function renderSoak(latest: Latest): string {
  const r = latest.get('soak');
  if (!r) return missing('soak');
  const f = r.figures as {
    readsPerSecond: number;
    rssMb: { before: number; peak: number; steady: number; end: number };
    heapUsedMb: { steady: number; peak: number };
    reads: { served: number; failed: number; stale: number };
    writes: { acked: number; failed: number };
  };
  const target = r.options.targetPeakRssMb as number;
  return `${provenance(r)}\n\n${table(
    [
      'reads/s',
      'RSS before',
      'RSS peak',
      'RSS steady',
      'RSS end',
      '`heapUsed` steady / peak',
      'reads served / failed / stale',
      'writes acked (failed)',
    ],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    [
      [
        int(f.readsPerSecond),
        `${f.rssMb.before} MB`,
        `${f.rssMb.peak} MB (${verdict(f.rssMb.peak, target, false)})`,
        `${f.rssMb.steady} MB`,
        `${f.rssMb.end} MB`,
        `${f.heapUsedMb.steady} / ${f.heapUsedMb.peak} MB`,
        `${f.reads.served} / ${f.reads.failed} / ${f.reads.stale}`,
        `${f.writes.acked} (${f.writes.failed})`,
      ],
    ],
  )}`;
}

export function renderLiveBackpressure(latest: Latest): string {
  const r = latest.get('live-backpressure');
  if (!r) return missing('live-backpressure');
  const f = r.figures as {
    rssMb: { before: number; peak: number; peakDelta: number };
    ticks: { perReaderMin: number; perReaderMax: number; gapMs: { p50: number | null; p99: number | null; max: number | null } };
    floodReaders: { linesReceivedMin: number; droppedMax: number };
    server: { clientsConnectedAtEnd: number; clientsTerminated: number };
  };
  const duration = r.options.durationS as number;
  return `${provenance(r)}\n\n${table(
    ['figure', 'value', 'target'],
    ['l', 'r', 'l'],
    [
      [
        'API RSS before / peak',
        `${fixed(f.rssMb.before, 1)} / ${fixed(f.rssMb.peak, 1)} MB (${signed(f.rssMb.peakDelta)} MB)`,
        verdict(f.rssMb.peakDelta, 50, false),
      ],
      [
        'clients terminated by the server / connected at the end',
        `${f.server.clientsTerminated} / ${f.server.clientsConnectedAtEnd}`,
        `the ${String(r.options.stalled)} stalled ones terminated`,
      ],
      [`ticks per reading client in ${duration} s`, `${f.ticks.perReaderMin}–${f.ticks.perReaderMax}`, ''],
      ['gap between ticks p50 / p99 / max', `${int(f.ticks.gapMs.p50)} / ${int(f.ticks.gapMs.p99)} / ${int(f.ticks.gapMs.max)} ms`, ''],
      ['log lines per flood reader (fewest) / dropped (most)', `${f.floodReaders.linesReceivedMin} / ${f.floodReaders.droppedMax}`, ''],
    ],
  )}`;
}

const scenarioLabel = (s: FaultScenario) => {
  const params = Object.entries(s.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return `${s.scenario}${params ? ` (${params})` : ''}`;
};

/** What the clients of one path saw under one fault: served, failed (by code), hung, stale, p99, longest wait. */
const readCells = (row: FaultRow) => [
  String(row.served),
  failedCell(row),
  String(row.hung),
  String(row.stale),
  int(row.p99Ms),
  int(row.maxWaitMs),
];

export function renderFaultMatrix(latest: Latest): string {
  const r = latest.get('fault-matrix');
  if (!r) return missing('fault-matrix');
  const scenarios = (r.figures as { scenarios: FaultScenario[] }).scenarios;
  const body = scenarios.map((s) => {
    const row = s.rows[0];
    return [
      scenarioLabel(s),
      ...readCells(row),
      int(s.labRun.timeToDetectMs),
      int(row.recoverMs),
      int(s.labRun.timeToRecoverMs),
      fixed(s.attemptsPerSecond, 2),
    ];
  });
  return `${provenance(r)}\n\n${table(
    [
      'scenario',
      'reads served',
      'failed',
      'hung',
      'stale',
      'p99 ms',
      'longest wait ms',
      'time to detect ms',
      'time to recover ms',
      "run report's recover ms",
      'attempts/s while down',
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    body,
  )}`;
}

export function renderFaultMatrixPeers(latest: Latest): string {
  const r = latest.get('fault-matrix-peers');
  if (!r) return missing('fault-matrix-peers');
  const paths = (r.options.paths as { name: string; options: string }[] | undefined) ?? [];
  const parts = [
    provenance(r),
    table(
      ['path', 'library, version and options'],
      ['l', 'l'],
      paths.map((p) => [p.name, p.options]),
    ),
  ];
  for (const s of (r.figures as { scenarios: FaultScenario[] }).scenarios) {
    const body = s.rows.map((row) => [
      `${row.path}${row.note ? ` (${row.note})` : ''}`,
      ...readCells(row),
      row.recoverMs === null ? (row.inMemory ? 'n/a (answers from L1)' : 'never') : int(row.recoverMs),
    ]);
    parts.push(
      `### ${scenarioLabel(s)}\n\n${table(
        ['read path', 'reads served', 'failed', 'HUNG (> 10 s)', 'stale', 'p99 ms', 'max wait ms', 'time to recover ms'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        body,
      )}\n\nThe chaos run's own report, for the lab: time to detect ${int(s.labRun.timeToDetectMs)} ms, time to recover ` +
        `${int(s.labRun.timeToRecoverMs)} ms, reconnect attempts per second while down ${fixed(s.attemptsPerSecond, 2)}.`,
    );
  }
  return parts.join('\n\n');
}

export function renderSentinelMatrix(latest: Latest): string {
  const r = latest.get('sentinel-matrix');
  if (!r) return missing('sentinel-matrix');
  const rows = (
    r.figures as {
      rows: {
        failover: string;
        served: number;
        failed: number;
        failedCodes: Record<string, number>;
        stale: number;
        writes: number;
        failedWrites: number;
        metrics: {
          timeToPromotionMs: number | null;
          timeToNewMasterReadMs: number | null;
          readsByNode: { oldMaster: number; database: number; newMaster: number };
          writesDuringSwitch: { total: number };
        };
      }[];
    }
  ).rows;
  const body = rows.map((x) => [
    x.failover,
    String(x.served),
    failedCell(x),
    String(x.stale),
    `${x.metrics.readsByNode.oldMaster} / ${x.metrics.readsByNode.database} / ${x.metrics.readsByNode.newMaster}`,
    `${x.writes} (${x.failedWrites})`,
    String(x.metrics.writesDuringSwitch.total),
    int(x.metrics.timeToPromotionMs),
    int(x.metrics.timeToNewMasterReadMs),
  ]);
  return `${provenance(r)}\n\n${table(
    [
      'failover',
      'reads served',
      'failed',
      'stale',
      'reads old master / database / new master',
      'writes acked (failed)',
      'writes during the switch',
      'fault → `+switch-master` ms',
      '`+switch-master` → first read from the new master ms',
    ],
    ['l', 'r', 'r', 'r', 'l', 'l', 'r', 'r', 'r'],
    body,
  )}`;
}

/** Per library family ("lab", "bentocache", "cache-manager"): the worst run and how many runs had any. */
function worstByFamily(scenarios: FaultScenario[], field: 'hung' | 'stale') {
  const families = new Map<string, { worst: number; runsWithAny: number; runs: number }>();
  for (const s of scenarios)
    for (const row of s.rows) {
      const family = row.path.split(' ')[0];
      const f = families.get(family) ?? { worst: 0, runsWithAny: 0, runs: 0 };
      f.worst = Math.max(f.worst, row[field]);
      f.runsWithAny += row[field] > 0 ? 1 : 0;
      f.runs++;
      families.set(family, f);
    }
  return families;
}

function familySentence(families: Map<string, { worst: number; runsWithAny: number; runs: number }>): string {
  return [...families]
    .map(([name, f]) =>
      f.worst === 0
        ? `${name} **0** in all ${f.runs} runs`
        : `${name} up to **${f.worst}** per run (in ${f.runsWithAny} of ${f.runs} runs)`,
    )
    .join('; ');
}

/** The README's three figures against the peers, each with its date, its load and a link to its table. */
export function renderHeadline(latest: Latest): string {
  const lines: string[] = [];
  const faults = latest.get('fault-matrix-peers');
  if (faults) {
    const scenarios = (faults.figures as { scenarios: FaultScenario[] }).scenarios;
    const names = scenarios.map((s) => s.scenario).join(', ');
    const when = `${day(faults)}, ${load(faults)}`;
    const link = '[fault matrix with peers](docs/fault-matrix.md#peers-under-the-same-faults)';
    lines.push(
      `- **Reads waiting over 10 s** while Redis fails (${names}; ${String(faults.options.faultMs)} ms faults): ` +
        `${familySentence(worstByFamily(scenarios, 'hung'))}. (${when}; ${link})`,
    );
    lines.push(
      `- **Stale reads** (older than a write already acknowledged) under the same faults: ` +
        `${familySentence(worstByFamily(scenarios, 'stale'))}. (${when}; ${link})`,
    );
  } else lines.push(`- Reads waiting over 10 s and stale reads under faults: ${missing('fault-matrix-peers')}`);
  const reads = latest.get('read-path');
  if (reads) {
    const rows = readPathRows(reads);
    const peers = (reads.options.peers as { id: string; name: string }[] | undefined) ?? [];
    const cpu = rows
      .filter((x) => x.id.startsWith('in-process:') && x.cpuMicros)
      .map((x) => {
        const id = x.id.slice('in-process:'.length);
        return `${id === 'lab' ? 'lab' : (peers.find((p) => p.id === id)?.name ?? id)} ${fixed(x.cpuMicros!.measured, 1)}`;
      });
    lines.push(
      `- **CPU µs per cache hit**, in-process, raw ioredis \`GET\` ${fixed((reads.figures as { rawCpuMicros: number }).rawCpuMicros, 1)}: ` +
        `${cpu.join(', ')}. (${day(reads)}, ${load(reads)}; [peers on the same cache hit](docs/benchmarks.md#peers-on-the-same-cache-hit))`,
    );
  } else lines.push(`- CPU per cache hit: ${missing('read-path')}`);
  return lines.join('\n');
}
