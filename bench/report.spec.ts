import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latestByKind, replaceSection, SECTIONS, writeReport } from './report';

const ROOT = path.join(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'results');

/** A copy of the real README and docs pages (so their markers are the ones checked) in a temp folder. */
function docsCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-report-'));
  for (const file of new Set(SECTIONS.map((s) => s.file))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  return dir;
}

const between = (text: string, section: string) =>
  text.slice(text.indexOf(`<!-- generated:${section}:start -->`), text.indexOf(`<!-- generated:${section}:end -->`));

describe('bench report', () => {
  let dir: string;
  let read: (file: string) => string;
  beforeAll(() => {
    dir = docsCopy();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    writeReport(dir, FIXTURES);
    read = (file) => fs.readFileSync(path.join(dir, file), 'utf8');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  it('renders the latest result of a kind with its date, machine, versions and options', () => {
    const table = between(read('docs/benchmarks.md'), 'read-path');
    expect(table).toContain('Measured 2026-12-03 17:10:08 UTC by `npm run bench`');
    expect(table).toContain('2 cores (Test CPU), 7.8 GB, Debian GNU/Linux 12');
    expect(table).toContain('load average 3.5 at the start, 4.25 at the end');
    expect(table).toContain('Node v20.20.2, redis-server 7.0.15, MariaDB 10.11.19-MariaDB');
    expect(table).toContain('`rounds=9`');
    expect(table).toContain('The load average was above the 2 cores');
    expect(table).toMatch(/in-process cache hit .*\| \*\*0\.84\*\* \| 0\.75–1\.02 \| 19\.2 vs 18\.4 \| ≥ 0\.8: met \|/);
    expect(table).toMatch(/`GET \/api\/users\/:id` hit .*\| \*\*0\.89\*\* .*≥ 0\.85: met \|/);
    // The older read-path result (ratio 0.11) is history, not the table.
    expect(table).not.toContain('**0.11**');
  });

  it('lists every peer with its options and CPU per read', () => {
    const table = between(read('docs/benchmarks.md'), 'read-path-peers');
    expect(table).toMatch(/\| bentocache defaults \| \*\*0\.41\*\* \| 0\.36–0\.58 \| 44\.0 \|/);
    expect(table).toContain('| cache-manager defaults | cache-manager 7.2.9 + @keyv/redis 5.1.6: documented defaults |');
    expect(table).toMatch(/raw ioredis .*\| 18\.4 \|/);
  });

  it('renders one table per fault scenario, with failures by code and a path that never recovered', () => {
    const text = between(read('docs/fault-matrix.md'), 'fault-matrix-peers');
    expect(text).toContain('### crash (downtimeMs=12000)');
    expect(text).toContain('| bentocache defaults | 1854 | 0 | 16 | 0 | 297 | 12461 | 366 |');
    expect(text).toContain('| bentocache defaults | 1808 | 13 (13× `E_L2_CACHE_ERROR`) | 14 | 0 | 1768 | 12607 | 585 |');
    expect(text).toContain('| cache-manager defaults | 3648 | 0 | 0 | 22 | 2481 | 4045 | never |');
    expect(text).toContain('time to detect 14 ms, time to recover 1104 ms, reconnect attempts per second while down 1.16');
  });

  it('puts the headline figures in the README, each with its date, its load and a link', () => {
    const headline = between(read('README.md'), 'headline');
    expect(headline).toContain(
      'lab **0** in all 2 runs; bentocache up to **16** per run (in 2 of 2 runs); cache-manager **0** in all 2 runs',
    );
    expect(headline).toContain('cache-manager up to **22** per run (in 1 of 2 runs)');
    expect(headline).toContain(
      '(2026-12-03, load average 3.5 at the start, 4.25 at the end; [fault matrix with peers](docs/fault-matrix.md',
    );
    expect(headline).toContain('raw ioredis `GET` 18.4: lab 19.2, bentocache defaults 44.0, cache-manager defaults 17.7');
  });

  it('says which command to run for a bench that has no result, instead of keeping old figures', () => {
    expect(between(read('docs/benchmarks.md'), 'soak')).toContain('No result yet: run `npm run bench:soak`, then `npm run bench:report`.');
    expect(between(read('docs/fault-matrix.md'), 'sentinel-matrix')).toContain('`npm run bench:faults -- --topology sentinel`');
  });

  it('leaves everything outside the markers as it was, and a second run changes nothing', () => {
    const original = fs.readFileSync(path.join(ROOT, 'docs/benchmarks.md'), 'utf8');
    const outside = (t: string) => t.replace(/<!-- generated:([\w-]+):start -->[\s\S]*?<!-- generated:\1:end -->/g, '');
    expect(outside(read('docs/benchmarks.md'))).toBe(outside(original));
    expect(writeReport(dir, FIXTURES)).toEqual([]);
  });

  it('fails naming the file when a section has lost its markers', () => {
    expect(() => replaceSection('# no markers here', 'soak', 'x', 'docs/benchmarks.md')).toThrow(
      'docs/benchmarks.md: no <!-- generated:soak:start --> … <!-- generated:soak:end --> markers',
    );
  });

  it('keeps the latest result of each kind by the date it records, ignoring files that are not results', () => {
    const latest = latestByKind([
      { bench: 'soak', date: '2026-12-03T10:00:00.000Z' },
      { bench: 'soak', date: '2026-12-03T12:00:00.000Z' },
      { bench: 'soak', date: '2026-12-01T12:00:00.000Z' },
      { something: 'else' },
    ]);
    expect([...latest.keys()]).toEqual(['soak']);
    expect(latest.get('soak')!.date).toBe('2026-12-03T12:00:00.000Z');
  });
});
