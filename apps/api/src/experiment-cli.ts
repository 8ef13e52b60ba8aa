/**
 * Runs an experiment file (experiments/*.yaml) against a lab and says whether its steady-state
 * hypothesis held, with progress lines on a terminal and a k6-style summary at the end.
 *   npm run experiment -- <file> [--url http://127.0.0.1:8000] [--token T] [--junit out.xml] [--json out.json]
 * Without --url it starts an embedded lab itself (managed redis-server, SQLite in a temp folder).
 * The token defaults to CHAOS_TOKEN (config chaos.token). Exit 0 held, 1 breached, 2 aborted or invalid file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { sleep } from '@rrl/common';
import { loadConfig } from '@rrl/config';
import { errorMessage } from '@rrl/contracts';
import {
  ExperimentRunner,
  ExperimentValidationError,
  exitCodeOf,
  junitReport,
  parseExperiment,
  summaryReport,
  type Experiment,
} from '@rrl/experiments';
import { createApp } from './app.factory';
import { prepareLabRuntime } from './embedded/lab-runtime';

interface CliOptions {
  file: string;
  url: string | null;
  token: string | null;
  junit: string | null;
  json: string | null;
}

function parseOptions(): CliOptions {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string' }, token: { type: 'string' }, junit: { type: 'string' }, json: { type: 'string' } },
  });
  const problems: string[] = [];
  if (positionals.length !== 1)
    problems.push('usage: npm run experiment -- <file> [--url U] [--token T] [--junit out.xml] [--json out.json]');
  if (values.url !== undefined && !URL.canParse(values.url)) problems.push(`--url must be a URL, got "${values.url}"`);
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exit(2);
  }
  return {
    file: positionals[0],
    url: values.url ?? null,
    token: values.token ?? null,
    junit: values.junit ?? null,
    json: values.json ?? null,
  };
}

/** The embedded default, in this process: what `npm start` runs with no configuration, on a free port. */
async function startEmbeddedLab(): Promise<{ url: string; token: string; close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-experiment-'));
  const token = randomBytes(24).toString('hex');
  // Nest's boot lines and the app's warnings (one per Redis transition) would bury the progress lines, which say the same.
  Logger.overrideLogger(['error']);
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logging: { level: 'error' },
      chaos: { token },
      // The experiment's load seeds the users it reads (load.seed); a 10 000-user first-start seed would only slow the start.
      seed: { onFirstStart: false },
    },
  });
  const app = await createApp(await prepareLabRuntime(config));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // The database connects and migrates after listen; 60 s is far beyond a SQLite migration on a loaded machine.
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${url}/health/ready`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`the embedded lab at ${url} was not ready within 60 s`);
    await sleep(200);
  }
  return {
    url,
    token,
    close: async () => {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function readExperiment(file: string): Experiment {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ExperimentValidationError(file, [errorMessage(e)]);
  }
  return parseExperiment(text, file);
}

async function main(): Promise<void> {
  const options = parseOptions();
  let experiment: Experiment;
  try {
    experiment = readExperiment(options.file);
  } catch (e) {
    console.error(errorMessage(e));
    process.exitCode = 2;
    return;
  }
  const lab = options.url
    ? { url: options.url, token: options.token ?? loadConfig().chaos.token, close: async () => undefined }
    : await startEmbeddedLab();
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  // Progress on stderr: a line per event on a terminal; in CI the same lines, one each (no cursor tricks needed).
  const runner = new ExperimentRunner(experiment, {
    url: lab.url,
    token: lab.token,
    signal: interrupt.signal,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  const run = await runner.run().finally(() => lab.close());
  if (options.junit) fs.writeFileSync(options.junit, junitReport(run));
  if (options.json) fs.writeFileSync(options.json, `${JSON.stringify(run, null, 2)}\n`);
  console.log(`\n${summaryReport(run)}\n`);
  process.exitCode = exitCodeOf(run);
}

main().catch((e: unknown) => {
  console.error(errorMessage(e));
  process.exit(2);
});
