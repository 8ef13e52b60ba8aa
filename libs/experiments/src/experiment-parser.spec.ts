import fs from 'node:fs';
import path from 'node:path';
import { ExperimentValidationError, parseExperiment } from './experiment-parser';
import { experimentJsonSchema } from './experiment.schema';
import { JSON_SCHEMA_FILE } from './json-schema-file';

const VALID = `
title: Crash Redis
load: { iterations: 1000, concurrency: 4, readRatio: 1, keys: { distribution: uniform, count: 100 }, seed: true }
steadyStateHypothesis:
  probes:
    - { name: no failed reads, kind: failed-reads, tolerance: { max: 0 } }
method:
  - { type: scenario, scenario: crash, params: { downtimeMs: 2000 } }
`;

function problemsOf(text: string): string[] {
  try {
    parseExperiment(text, 'bad.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ExperimentValidationError);
    return (e as ExperimentValidationError).problems;
  }
  throw new Error('parsed');
}

describe('parseExperiment', () => {
  it('reads YAML and fills the defaults in', () => {
    const e = parseExperiment(VALID);
    expect(e.method[0]).toEqual({ type: 'scenario', scenario: 'crash', params: { downtimeMs: 2000 } });
    expect(e.steadyStateHypothesis.probes[0].phases).toEqual(['before', 'during', 'after']);
    expect(e.steadyStateHypothesis.windowMs).toBe(3000);
    expect(e.rollbacks).toEqual([]);
    expect(e.load.awaitCompletion).toBe(false);
  });

  it('reads JSON too', () => {
    const json = JSON.stringify({
      title: 't',
      load: { iterations: 1, concurrency: 1, readRatio: 0.5, keys: { distribution: 'zipf', count: 1 } },
      steadyStateHypothesis: {
        probes: [{ name: 'health', kind: 'http-status', path: '/health/ready', tolerance: { min: 200, max: 200 } }],
      },
      method: [{ type: 'pause', durationMs: 10 }],
      schedule: '*/15 * * * 1-5',
    });
    expect(parseExperiment(json).schedule).toBe('*/15 * * * 1-5');
  });

  it('lists every problem of a bad file in one error, each with its path', () => {
    const problems = problemsOf(`
title: ""
load: { iterations: 0, concurrency: 4, readRatio: 1.5, keys: { distribution: normal, count: 100 } }
steadyStateHypothesis:
  probes:
    - { name: a, kind: failed-reads, tolerance: {}, phases: [sometime] }
    - { name: b, kind: stale-reads, tolerance: { max: 0 } }
method:
  - { type: pause, durationMs: 10 }
  - { type: scenario, scenario: crash, params: { downtimeMs: 1000 } }
  - { type: scenario, scenario: crash, params: { downtimeMs: -5, extra: 1 } }
  - { type: scenario, scenario: meteor }
  - { type: wait }
schedule: every day
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'title: Too small: expected string to have >=1 characters',
        'load.iterations: must be ≥ 1',
        'load.readRatio: must be ≤ 1',
        expect.stringMatching(/^load\.keys\.distribution: /),
        'steadyStateHypothesis.probes[0].tolerance: needs max or min',
        expect.stringMatching(/^steadyStateHypothesis\.probes\[0\]\.phases\[0\]: /),
        expect.stringMatching(/^steadyStateHypothesis\.probes\[1\]\.kind: kind must be/),
        'method[2].params.downtimeMs: must be ≥ 0',
        expect.stringMatching(/^method\[2\]\.params: Unrecognized key: "extra"/),
        expect.stringMatching(/^method\[3\]\.scenario: scenario must be one of crash, /),
        'method[4].type: type must be scenario, pause or request',
        'schedule: must be a cron expression of five fields (minute hour day month weekday)',
      ]),
    );
    expect(problems).toHaveLength(12);
  });

  it('names a missing section and a YAML syntax error', () => {
    expect(problemsOf('title: x')).toEqual([
      'load: Invalid input: expected object, received undefined',
      expect.stringMatching(/^steadyStateHypothesis:/),
      expect.stringMatching(/^method:/),
    ]);
    expect(problemsOf('title: [unclosed')[0]).toMatch(/Flow sequence|flow collection|Missing/i);
  });
});

describe('published JSON Schema', () => {
  it('experiments/experiment.schema.json is the schema the parser uses (run npm run experiment:schema after a change)', () => {
    expect(JSON.parse(fs.readFileSync(JSON_SCHEMA_FILE, 'utf8'))).toEqual(experimentJsonSchema());
  });

  it('every shipped experiment parses', () => {
    const dir = path.dirname(JSON_SCHEMA_FILE);
    const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) expect(() => parseExperiment(fs.readFileSync(path.join(dir, f), 'utf8'), f)).not.toThrow();
  });
});
