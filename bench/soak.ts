/**
 * Memory under sustained load, as issue 7 found it: the built API (`node apps/api/dist/main.js`, its
 * own process so its RSS is its own) on a private mariadbd and redis-server, SOAK_READERS HTTP
 * readers (closed loop, GET /api/users/:id) and one writer (PATCH, SOAK_WRITES_PER_S) over users
 * 1..SOAK_KEYS for SOAK_DURATION_S, with Redis SIGKILLed for SOAK_OUTAGE_S in the middle, then
 * started again on its port. Samples the API's RSS (/proc/<pid>/status) every second and its V8 heap
 * (/metrics) every 5 s; prints RSS before the load, at its peak, steady (median of the last third)
 * and at the end, heapUsed alongside, and reads served / failed / stale (older than the last write
 * acknowledged before the read began).
 *   npm run bench:soak                                  6 min, Redis down 270 s (the issue's soak)
 *   SOAK_DURATION_S=60 SOAK_OUTAGE_S=30 npm run bench:soak
 *   SOAK_NODE_FLAGS="--trace-gc" ...                    V8 flags for the API process (its log: bench/results/soak-api.log)
 *   SOAK_SNAPSHOTS_AT=60,300 ...                        heap snapshots of the API at these seconds of
 *                                                       load (bench/results/soak-*.heapsnapshot; each
 *                                                       stops the API for seconds and inflates RSS)
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedisServerProcess } from '@rrl/chaos';
import { sleep } from '@rrl/common';
import { MariaDbProcess } from '@rrl/testing';
import { startApi, stopApi } from './api-process';
import { versionOf } from './fault-clients';
import { HttpPathError, labHttpPath, type ReadPath } from './read-path';
import { median, writeResult } from './support';

const DURATION_S = Number(process.env.SOAK_DURATION_S ?? 360);
const OUTAGE_S = Number(process.env.SOAK_OUTAGE_S ?? 270);
const READERS = Number(process.env.SOAK_READERS ?? 8);
const WRITES_PER_S = Number(process.env.SOAK_WRITES_PER_S ?? 20);
const KEYS = Number(process.env.SOAK_KEYS ?? 1000);
const NODE_FLAGS = (process.env.SOAK_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const SNAPSHOTS_AT = (process.env.SOAK_SNAPSHOTS_AT ?? '').split(',').filter(Boolean).map(Number);
/** The issue's target for this soak. */
const TARGET_MB = 300;
/**
 * Not Node's usual SIGUSR2: Nest's enableShutdownHooks() without a list listens to SIGUSR2 too, so
 * the API would take the snapshot and then shut down.
 */
const SNAPSHOT_SIGNAL = 'SIGWINCH';
const RESULTS = path.join(__dirname, 'results');

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  if (!fs.existsSync(`/proc/${pid}/status`)) throw new Error(`the API (pid ${pid}) exited; see bench/results/soak-api.log`);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round((Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) / 1024) * 10) / 10;
}

/** The API's V8 heap from its own /metrics (prom-client's default nodejs_* gauges), MB. */
async function heapMb(base: string): Promise<{ used: number; total: number; external: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const gauge = (name: string) => mb(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN));
  return {
    used: gauge('nodejs_heap_size_used_bytes'),
    total: gauge('nodejs_heap_size_total_bytes'),
    external: gauge('nodejs_external_memory_bytes'),
  };
}

interface Tally {
  served: number;
  failed: number;
  stale: number;
  bySource: Record<string, number>;
  failedCodes: Record<string, number>;
  writes: { acked: number; failed: number };
}

async function reader(api: ReadPath, acked: Map<number, number>, tally: Tally, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const id = 1 + Math.floor(Math.random() * KEYS);
    // Seeded names carry no version: only users the writer has written can be read stale.
    const before = acked.get(id);
    try {
      const { user, source } = await api.get(id);
      tally.served++;
      tally.bySource[source] = (tally.bySource[source] ?? 0) + 1;
      if (user && before !== undefined && versionOf(user.name) < before) tally.stale++;
    } catch (e) {
      tally.failed++;
      const code = e instanceof HttpPathError ? e.message : String((e as { cause?: { code?: string } }).cause?.code ?? e);
      tally.failedCodes[code] = (tally.failedCodes[code] ?? 0) + 1;
    }
  }
}

/** One writer at WRITES_PER_S: a new, higher version into a user's name each time. */
async function writer(api: ReadPath, acked: Map<number, number>, tally: Tally, signal: AbortSignal): Promise<void> {
  let version = Date.now();
  const start = performance.now();
  for (let n = 0; !signal.aborted; n++) {
    const id = 1 + Math.floor(Math.random() * KEYS);
    const v = ++version;
    try {
      await api.update(id, { name: `user ${id} v${v}` });
      tally.writes.acked++;
      acked.set(id, Math.max(acked.get(id) ?? 0, v));
    } catch {
      tally.writes.failed++;
    }
    await sleep(Math.max(0, start + ((n + 1) * 1000) / WRITES_PER_S - performance.now()));
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-soak-'));
  const mariadb = await MariaDbProcess.start();
  const redis = await RedisServerProcess.start();
  let child: ChildProcess | null = null;
  try {
    const started = await startApi({
      dir,
      env: {
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(redis.port),
        MYSQL_HOST: '127.0.0.1',
        MYSQL_PORT: String(mariadb.port),
        MYSQL_USER: 'root',
        MYSQL_DATABASE: 'soak',
      },
      config: { seed: { onFirstStart: true, users: KEYS } },
      nodeArgs: [...NODE_FLAGS, `--heapsnapshot-signal=${SNAPSHOT_SIGNAL}`, `--diagnostic-dir=${RESULTS}`],
    });
    child = started.child;
    const pid = child.pid!;
    const api = labHttpPath(started.base, '');
    await sleep(5000); // settle after boot and seeding
    const before = { rss: procStatusMb(pid, 'VmRSS'), heap: await heapMb(started.base) };
    const outageAt = (DURATION_S - OUTAGE_S) / 2;
    console.log(
      `soak: ${READERS} readers, 1 writer at ${WRITES_PER_S}/s over ${KEYS} users, ${DURATION_S} s, Redis down ${OUTAGE_S} s from ${outageAt} s` +
        `${NODE_FLAGS.length ? `; API flags ${NODE_FLAGS.join(' ')}` : ''}\nbefore: RSS ${before.rss} MB, heapUsed ${before.heap.used} MB`,
    );

    const tally: Tally = { served: 0, failed: 0, stale: 0, bySource: {}, failedCodes: {}, writes: { acked: 0, failed: 0 } };
    const acked = new Map<number, number>();
    const stop = new AbortController();
    const clients = [
      ...Array.from({ length: READERS }, () => reader(api, acked, tally, stop.signal)),
      writer(api, acked, tally, stop.signal),
    ];
    const samples: { t: number; rss: number; heapUsed: number | null }[] = [];
    const snapshots = [...SNAPSHOTS_AT].sort((a, b) => a - b);
    const t0 = performance.now();
    let redisDown = false;
    let lastServed = 0;
    for (let s = 1; s <= DURATION_S; s++) {
      await sleep(t0 + s * 1000 - performance.now());
      if (s === Math.round(outageAt) && OUTAGE_S > 0) {
        await redis.kill();
        redisDown = true;
        console.log(`${s} s: Redis SIGKILLed`);
      } else if (redisDown && s === Math.round(outageAt + OUTAGE_S)) {
        await redis.start();
        redisDown = false;
        console.log(`${s} s: Redis started again`);
      }
      if (snapshots[0] === s) {
        snapshots.shift();
        child.kill(SNAPSHOT_SIGNAL);
        console.log(`${s} s: heap snapshot requested (${RESULTS})`);
      }
      const heapUsed = s % 5 === 0 ? ((await heapMb(started.base).catch(() => null))?.used ?? null) : null;
      samples.push({ t: s, rss: procStatusMb(pid, 'VmRSS'), heapUsed });
      if (s % 10 === 0) {
        const last = samples[samples.length - 1];
        console.log(
          `${s} s: RSS ${last.rss} MB heapUsed ${heapUsed ?? '-'} MB, ${Math.round((tally.served - lastServed) / 10)} reads/s, ` +
            `served ${tally.served} failed ${tally.failed} stale ${tally.stale}${redisDown ? ' (Redis down)' : ''}`,
        );
        lastServed = tally.served;
      }
    }
    stop.abort();
    await Promise.all(clients);
    const end = { rss: procStatusMb(pid, 'VmRSS'), heap: await heapMb(started.base), hwm: procStatusMb(pid, 'VmHWM') };
    const steadySamples = samples.filter((x) => x.t > (DURATION_S * 2) / 3);
    const heaps = samples.flatMap((x) => (x.heapUsed === null ? [] : [x.heapUsed]));
    const result = {
      readsPerSecond: Math.round(tally.served / DURATION_S),
      rssMb: {
        before: before.rss,
        peak: Math.max(...samples.map((x) => x.rss)),
        highWaterMark: end.hwm,
        steady: median(steadySamples.map((x) => x.rss)),
        end: end.rss,
      },
      heapUsedMb: {
        before: before.heap.used,
        peak: Math.max(...heaps),
        steady: median(steadySamples.flatMap((x) => (x.heapUsed === null ? [] : [x.heapUsed]))),
        end: end.heap.used,
      },
      heapTotalMbAtEnd: end.heap.total,
      externalMbAtEnd: end.heap.external,
      reads: { served: tally.served, failed: tally.failed, stale: tally.stale, bySource: tally.bySource, failedCodes: tally.failedCodes },
      writes: tally.writes,
      samples,
    };
    writeResult(
      'soak',
      {
        durationS: DURATION_S,
        outageS: OUTAGE_S,
        readers: READERS,
        writesPerS: WRITES_PER_S,
        keys: KEYS,
        nodeFlags: NODE_FLAGS,
        snapshotsAt: SNAPSHOTS_AT,
        // The Docker driver's memory shows in the API's RSS only when an engine is there to list.
        dockerEngine: process.env.DOCKER_HOST ?? (fs.existsSync('/var/run/docker.sock') ? '/var/run/docker.sock' : 'none'),
        targetPeakRssMb: TARGET_MB,
      },
      result,
    );
    const { rssMb: r, heapUsedMb: h } = result;
    console.log(
      `\nAPI RSS: before ${r.before} MB, peak ${r.peak} MB (kernel high-water mark ${r.highWaterMark}), steady ${r.steady} MB, end ${r.end} MB`,
    );
    console.log(
      `API heapUsed: before ${h.before} MB, peak ${h.peak} MB, steady ${h.steady} MB, end ${h.end} MB (heapTotal ${result.heapTotalMbAtEnd} MB at the end)`,
    );
    console.log(
      `reads: served ${tally.served} (${JSON.stringify(tally.bySource)}), failed ${tally.failed} ${JSON.stringify(tally.failedCodes)}, stale ${tally.stale}; ` +
        `writes acked ${tally.writes.acked}, failed ${tally.writes.failed}; load average ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    console.log(`peak RSS ${r.peak} MB: ${r.peak <= TARGET_MB ? 'met' : 'MISSED'} (target <= ${TARGET_MB} MB); samples in the result file`);
  } finally {
    if (child) await stopApi(child);
    await redis.stop();
    await mariadb.stop();
    fs.rmSync(redis.dir, { recursive: true, force: true });
    fs.rmSync(mariadb.dataDir, { recursive: true, force: true });
    if (fs.existsSync(path.join(dir, 'api.log'))) fs.copyFileSync(path.join(dir, 'api.log'), path.join(RESULTS, 'soak-api.log'));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
