import { describeTolerance, formatValue, type ExperimentRun } from './experiment.runner';
import type { ProbeResult } from './probe.evaluator';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const seconds = (ms: number) => (ms / 1000).toFixed(1);

function caseName(r: ProbeResult): string {
  return `${r.abort ? 'abort: ' : ''}${r.probe} (${r.phase})`;
}

function breachText(r: ProbeResult): string {
  const b = r.breach!;
  return `${r.probe} breached ${r.phase} at ${seconds(b.atMs)} s (${b.at}): ${formatValue(r.kind, b.value)}, tolerance ${describeTolerance(r.kind, r.tolerance)}, off by ${formatValue(r.kind, b.by)}`;
}

/** JUnit XML: one test suite per experiment, one test case per probe and phase; a breach is a <failure>. */
export function junitReport(run: ExperimentRun): string {
  const cases = run.probes.map((r) => {
    const open = `    <testcase classname="${xml(run.title)}" name="${xml(caseName(r))}">`;
    if (r.status === 'breached')
      return `${open}\n      <failure message="${xml(breachText(r))}" type="breached">${xml(breachText(r))}</failure>\n    </testcase>`;
    if (r.status === 'skipped')
      return `${open}\n      <skipped message="${xml(`not reached: ${run.abortReason ?? 'run ended'}`)}"/>\n    </testcase>`;
    if (r.status === 'unmeasured') return `${open}\n      <skipped message="nothing to measure in the window"/>\n    </testcase>`;
    return `${open}</testcase>`;
  });
  const failures = run.probes.filter((r) => r.status === 'breached').length;
  const skipped = run.probes.filter((r) => r.status === 'skipped' || r.status === 'unmeasured').length;
  const errors = run.verdict === 'aborted' ? 1 : 0;
  const abortCase =
    run.verdict === 'aborted'
      ? [
          `    <testcase classname="${xml(run.title)}" name="run completed">\n      <error message="${xml(`aborted: ${run.abortReason ?? ''}`)}" type="aborted"/>\n    </testcase>`,
        ]
      : [];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="experiments" tests="${cases.length + abortCase.length}" failures="${failures}" errors="${errors}" time="${seconds(run.durationMs)}">`,
    `  <testsuite name="${xml(run.title)}" tests="${cases.length + abortCase.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${run.startedAt}" time="${seconds(run.durationMs)}">`,
    ...cases,
    ...abortCase,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** The k6-style end-of-run summary: one ✓/✗ line per probe and phase, the figures, the verdict. */
export function summaryReport(run: ExperimentRun): string {
  const lines = [`  experiment: ${run.title}`, ''];
  for (const r of run.probes) {
    const mark = r.status === 'passed' ? '✓' : r.status === 'breached' ? '✗' : '-';
    const value = r.value === null ? 'n/a' : formatValue(r.kind, r.value);
    const detail = r.breach
      ? `, breached at ${seconds(r.breach.atMs)} s by ${formatValue(r.kind, r.breach.by)}`
      : r.status === 'skipped'
        ? ', not reached'
        : '';
    lines.push(`  ${mark} ${caseName(r).padEnd(44)} ${value.padStart(10)}  (${describeTolerance(r.kind, r.tolerance)}${detail})`);
  }
  lines.push('');
  const dots = (label: string) => `  ${label} `.padEnd(28, '.');
  const p = run.loadTest?.progress;
  if (p) {
    lines.push(`${dots('loop test')}: ${run.loadTest!.status}, ${p.done}/${p.total} iterations, ${p.failed} failed`);
    lines.push(`${dots('reads by source')}: redis ${p.readsBySource.redis}, mysql ${p.readsBySource.mysql}, none ${p.readsBySource.none}`);
    lines.push(`${dots('latency')}: p50 ${p.latency.p50 ?? '-'} ms, p99 ${p.latency.p99 ?? '-'} ms, max ${p.latency.max ?? '-'} ms`);
  }
  for (const c of run.chaosRuns)
    lines.push(
      `${dots(`chaos ${c.scenario}`)}: ${c.status}, detect ${c.metrics.timeToDetectMs ?? '-'} ms, recover ${c.metrics.timeToRecoverMs ?? '-'} ms`,
    );
  lines.push(`${dots('duration')}: ${seconds(run.durationMs)} s`);
  lines.push('');
  lines.push(`  verdict: ${run.verdict.toUpperCase()}${run.abortReason ? ` (${run.abortReason})` : ''}`);
  return lines.join('\n');
}

/** Exit code of the CLI: 0 the hypothesis held, 1 it was breached, 2 aborted (or, elsewhere, an invalid file). */
export function exitCodeOf(run: ExperimentRun): 0 | 1 | 2 {
  return run.verdict === 'passed' ? 0 : run.verdict === 'breached' ? 1 : 2;
}
