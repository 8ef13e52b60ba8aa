import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExperimentRun } from '@rrl/experiments';
import { runCli } from './support/api-process';

const EXPERIMENTS = path.resolve(__dirname, '../../../experiments');
const CLI = 'experiment-cli.js';

/**
 * `npm run experiment` end to end: the built CLI starts the embedded lab itself (a managed
 * redis-server it crashes for real, SQLite in a temp folder) and plays the file against it over HTTP.
 * Needs the build (npm test builds first).
 */
describe('experiment CLI on the embedded lab (built app, real redis-server)', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-experiment-test-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** crash.yaml with 1 s windows (a shorter run) and the test's edits, written to the test's folder. */
  const crashVariant = (name: string, edit: (text: string) => string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, edit(fs.readFileSync(path.join(EXPERIMENTS, 'crash.yaml'), 'utf8').replace('windowMs: 3000', 'windowMs: 1000')));
    return file;
  };

  it('crash.yaml holds: exit 0, a JUnit report xmllint accepts and the whole run as JSON', async () => {
    const junit = path.join(dir, 'crash.xml');
    const json = path.join(dir, 'crash.json');
    const result = await runCli([path.join(EXPERIMENTS, 'crash.yaml'), '--junit', junit, '--json', json], undefined, CLI);
    expect({ code: result.code, out: result.stdout + result.stderr }).toEqual({ code: 0, out: expect.stringContaining('verdict: PASSED') });
    execFileSync('xmllint', ['--noout', junit]); // throws on XML that does not parse
    const xml = fs.readFileSync(junit, 'utf8');
    expect(xml).toContain('<testcase classname="Crash Redis" name="no failed reads (during)">');
    expect(xml).toContain('failures="0"');
    const run = JSON.parse(fs.readFileSync(json, 'utf8')) as ExperimentRun;
    expect(run.verdict).toBe('passed');
    expect(run.chaosRuns).toEqual([expect.objectContaining({ scenario: 'crash', status: 'completed' })]);
    // The fault really happened under load: the database answered reads while Redis was down.
    expect(run.loadTest?.progress.readsBySource.mysql).toBeGreaterThan(0);
    expect(run.probes.every((p) => p.status === 'passed')).toBe(true);
  }, 180_000);

  it('a breached hypothesis exits 1 and names the probe, when it broke and by how much', async () => {
    const file = crashVariant('breached.yaml', (text) =>
      text
        .replace('phases: [before, after]', 'phases: [during]')
        .replace('tolerance: { min: 0.95 }', 'tolerance: { min: 0.99 }')
        .replace('name: reads served by Redis', 'name: Redis share during the crash'),
    );
    const junit = path.join(dir, 'breached.xml');
    const result = await runCli([file, '--junit', junit], undefined, CLI);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ Redis share during the crash \(during\) .* \(≥ 99\.00 %, breached at \d+\.\d s by \d+\.\d\d %\)/);
    expect(result.stdout).toContain('verdict: BREACHED');
    execFileSync('xmllint', ['--noout', junit]);
    expect(fs.readFileSync(junit, 'utf8')).toMatch(
      /<failure message="Redis share during the crash breached during at \d+\.\d s \([^)]+\): [\d.]+ %, tolerance ≥ 99\.00 %, off by [\d.]+ %" type="breached">/,
    );
  }, 180_000);

  it('an abort condition stops the run at once: the fault is cancelled, the rollbacks run, exit 2', async () => {
    const file = crashVariant('aborted.yaml', (text) =>
      text
        .replace('downtimeMs: 5000', 'downtimeMs: 60000')
        .replace(
          /abort:\n(.|\n)*$/,
          'abort:\n  - { name: Redis serving, kind: redis-read-share, tolerance: { min: 0.99 }, phases: [during] }\n',
        ),
    );
    const json = path.join(dir, 'aborted.json');
    const result = await runCli([file, '--json', json], undefined, CLI);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('verdict: ABORTED (abort condition "Redis serving" breached during)');
    const run = JSON.parse(fs.readFileSync(json, 'utf8')) as ExperimentRun;
    // Cancelled long before its 60 s downtime ended, and the rollback still ran.
    expect(run.chaosRuns).toEqual([expect.objectContaining({ scenario: 'crash', status: 'cancelled' })]);
    expect(run.durationMs).toBeLessThan(60_000);
    expect(run.timeline.map((e) => e.message)).toContain('rollbacks[0]: GET /health/ready');
    expect(run.probes.find((p) => p.phase === 'after')?.status).toBe('skipped');
  }, 180_000);

  it('an invalid file exits 2 listing every problem with its path, and nothing runs', async () => {
    const file = path.join(dir, 'invalid.yaml');
    fs.writeFileSync(
      file,
      [
        'title: broken',
        'load: { iterations: 10, concurrency: 1, readRatio: 1, keys: { distribution: uniform, count: 10 } }',
        'steadyStateHypothesis: { probes: [{ name: p, kind: failed-reads, tolerance: { max: 0 } }] }',
        'method:',
        '  - { type: pause, durationMs: 10 }',
        '  - { type: pause, durationMs: 10 }',
        '  - { type: scenario, scenario: crash, params: { downtimeMs: -1 } }',
        'abort: [{ name: a, kind: failed-reads, tolerance: {} }]',
      ].join('\n'),
    );
    const result = await runCli([file], undefined, CLI);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file} is not a valid experiment:`);
    expect(result.stderr).toContain('method[2].params.downtimeMs: must be ≥ 0');
    expect(result.stderr).toContain('abort[0].tolerance: needs max or min');
    expect(result.stdout).toBe(''); // no lab started, no summary
  }, 60_000);
});
