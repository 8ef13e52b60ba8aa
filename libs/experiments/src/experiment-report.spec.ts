import type { ExperimentRun } from './experiment.runner';
import { exitCodeOf, junitReport, summaryReport } from './experiment-report';
import { excess } from './probe.evaluator';

const run = (over: Partial<ExperimentRun> = {}): ExperimentRun => ({
  title: 'Crash <Redis> & "friends"',
  verdict: 'breached',
  abortReason: null,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 12_300,
  probes: [
    {
      probe: 'no failed reads',
      kind: 'failed-reads',
      phase: 'before',
      abort: false,
      tolerance: { max: 0 },
      status: 'passed',
      value: 0,
      breach: null,
    },
    {
      probe: 'Redis share',
      kind: 'redis-read-share',
      phase: 'during',
      abort: false,
      tolerance: { min: 0.99 },
      status: 'breached',
      value: 0.4,
      breach: { atMs: 8_400, at: '2026-01-01T00:00:08.400Z', value: 0.4, by: 0.59 },
    },
    {
      probe: 'no failed reads',
      kind: 'failed-reads',
      phase: 'after',
      abort: false,
      tolerance: { max: 0 },
      status: 'skipped',
      value: null,
      breach: null,
    },
  ],
  timeline: [],
  samples: [],
  chaosRuns: [],
  loadTest: null,
  ...over,
});

describe('experiment reports', () => {
  it('JUnit: one case per probe and phase, a breach is a <failure> naming the probe, time and amount, text escaped', () => {
    const xml = junitReport(run());
    expect(xml).toContain('<testsuite name="Crash &lt;Redis&gt; &amp; &quot;friends&quot;" tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).toContain(
      '<testcase classname="Crash &lt;Redis&gt; &amp; &quot;friends&quot;" name="no failed reads (before)"></testcase>',
    );
    expect(xml).toContain(
      '<failure message="Redis share breached during at 8.4 s (2026-01-01T00:00:08.400Z): 40.00 %, tolerance ≥ 99.00 %, off by 59.00 %" type="breached">',
    );
    expect(xml).toContain('name="no failed reads (after)">\n      <skipped');
  });

  it('JUnit: an aborted run adds an error case with the reason', () => {
    const xml = junitReport(run({ verdict: 'aborted', abortReason: 'abort condition "reads failing" breached during' }));
    expect(xml).toContain('errors="1"');
    expect(xml).toContain('<error message="aborted: abort condition &quot;reads failing&quot; breached during" type="aborted"/>');
  });

  it('summary marks each probe and ends with the verdict; exit codes 0 / 1 / 2', () => {
    const text = summaryReport(run());
    expect(text).toMatch(/✓ no failed reads \(before\) +0 {2}\(≤ 0\)/);
    expect(text).toMatch(/✗ Redis share \(during\) +40\.00 % {2}\(≥ 99\.00 %, breached at 8\.4 s by 59\.00 %\)/);
    expect(text).toContain('verdict: BREACHED');
    expect([exitCodeOf(run({ verdict: 'passed' })), exitCodeOf(run()), exitCodeOf(run({ verdict: 'aborted' }))]).toEqual([0, 1, 2]);
  });

  it('excess: how far past max or below min, 0 within', () => {
    expect([excess(3, { max: 1 }), excess(0.9, { min: 0.95 }), excess(200, { min: 200, max: 200 })]).toEqual([2, expect.closeTo(0.05), 0]);
  });
});
