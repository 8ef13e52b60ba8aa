/**
 * The loop test from the terminal, over HTTP against a running API (reads GET /api/users/:id,
 * writes PATCH /api/users/:id), with a live progress line and a k6-style summary at the end.
 *   npm run loadtest -- --iterations 1000000 --concurrency 200 [--url http://127.0.0.1:8000] [--json]
 *                       [--max-failure-rate 0] [--read-ratio 1] [--keys 1000] [--distribution uniform|zipf]
 * Exit code 1 when the share of failed iterations is above --max-failure-rate (a CI gate), 2 on bad arguments.
 * Users 1..keys must exist: npm run seed -- --count <keys>.
 */
import { parseArgs } from 'node:util';
import { errorMessage, KEY_DISTRIBUTIONS, LOADTEST_LIMITS, type KeyDistribution } from '@rrl/contracts';
import { HttpLoadTest, latencyJson, progressLine, summary } from '@rrl/loadtest';

interface CliOptions {
  url: string;
  iterations: number;
  concurrency: number;
  readRatio: number;
  keys: number;
  distribution: KeyDistribution;
  json: boolean;
  maxFailureRate: number;
}

function parseOptions(): CliOptions {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8000' },
      iterations: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '64' },
      'read-ratio': { type: 'string', default: '1' },
      keys: { type: 'string', default: '1000' },
      distribution: { type: 'string', default: 'uniform' },
      json: { type: 'boolean', default: false },
      'max-failure-rate': { type: 'string', default: '0' },
    },
  });
  const problems: string[] = [];
  const number = (name: string, raw: string, min: number, max: number, integer = true) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
      problems.push(`--${name} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got "${raw}"`);
    return n;
  };
  const options: CliOptions = {
    url: values.url,
    iterations: number('iterations', values.iterations, 1, LOADTEST_LIMITS.maxIterations),
    concurrency: number('concurrency', values.concurrency, 1, LOADTEST_LIMITS.maxConcurrency),
    readRatio: number('read-ratio', values['read-ratio'], 0, 1, false),
    keys: number('keys', values.keys, 1, LOADTEST_LIMITS.maxKeys),
    distribution: values.distribution as KeyDistribution,
    json: values.json,
    maxFailureRate: number('max-failure-rate', values['max-failure-rate'], 0, 1, false),
  };
  if (!KEY_DISTRIBUTIONS.includes(options.distribution)) problems.push(`--distribution must be ${KEY_DISTRIBUTIONS.join(' or ')}`);
  if (!URL.canParse(options.url)) problems.push(`--url must be a URL, got "${options.url}"`);
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(2);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseOptions();
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const test = new HttpLoadTest({
    url: options.url,
    iterations: options.iterations,
    concurrency: options.concurrency,
    readRatio: options.readRatio,
    keys: { distribution: options.distribution, count: options.keys },
    signal: abort.signal,
  });
  // A live line on a terminal; one line a second otherwise (CI logs), always on stderr.
  const tty = process.stderr.isTTY;
  const ticker = setInterval(() => {
    test.tick();
    process.stderr.write(tty ? `\r${progressLine(test.snapshot())}\x1b[K` : `${progressLine(test.snapshot())}\n`);
  }, 1000);
  const result = await test.run().finally(() => clearInterval(ticker));
  if (tty) process.stderr.write(`\r${progressLine(result)}\x1b[K\n`);
  const failureRate = result.done ? result.checks.failed / result.done : 0;
  const passed = failureRate <= options.maxFailureRate;
  if (options.json) {
    const latency = latencyJson(test.latency);
    console.log(JSON.stringify({ ...result, latency, failureRate, maxFailureRate: options.maxFailureRate, passed }, null, 2));
  } else {
    console.log(`\n${summary(result, test.latency)}\n`);
    console.log(
      passed
        ? `  ✓ failure rate ${(failureRate * 100).toFixed(3)}% ≤ --max-failure-rate ${options.maxFailureRate * 100}%`
        : `  ✗ failure rate ${(failureRate * 100).toFixed(3)}% > --max-failure-rate ${options.maxFailureRate * 100}%`,
    );
  }
  process.exitCode = passed ? 0 : 1;
}

main().catch((e: unknown) => {
  console.error(errorMessage(e));
  process.exit(2);
});
