/**
 * Zero stale reads, checked against an adversary: INSTANCES built APIs (`apps/api/dist/main.js`, each
 * its own process) share one private redis-server and one private mariadbd, each reaching both through
 * a fault proxy of its own. Readers and writers drive them over HTTP on a small hot key set (so reads
 * race writes), a seeded nemesis (bench/nemesis.ts) injects random faults at random times, and every
 * operation goes to the history checker of @rrl/consistency on this process's one monotonic clock.
 *   npm run bench:consistency                                   120 s, a random seed (printed)
 *   npm run bench:consistency -- --seed 42 --duration 600       replay a schedule, longer
 *   npm run bench:consistency -- --only redis-crash,redis-pause only these faults
 *   npm run bench:consistency -- --reads 10000000               run until this many reads are checked
 * Prints the checker's report per fault and overall; writes bench/results/consistency-<time>.json; exits 1 on
 * any violation.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { FaultProxy, RedisServerProcess, freePort } from '@rrl/chaos';
import { sleep } from '@rrl/common';
import { ConsistencyChecker, describeNines, type WriteOutcome } from '@rrl/consistency';
import type { UserDto } from '@rrl/contracts';
import { MariaDbProcess } from '@rrl/testing';
import { ApiProcess } from '../apps/api/test/support/api-process';
import { FAULT_NAMES, Nemesis, type FaultEvent, type FaultName } from './nemesis';
import { writeResult } from './support';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string' },
    duration: { type: 'string', default: '120' },
    reads: { type: 'string' },
    instances: { type: 'string', default: '3' },
    keys: { type: 'string', default: '16' },
    readers: { type: 'string', default: '24' },
    writers: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const SEED = Number(args.seed ?? Math.floor(Math.random() * 2 ** 31));
const DURATION_MS = Number(args.duration) * 1000;
const READ_TARGET = args.reads ? Number(args.reads) : null;
const INSTANCES = Number(args.instances);
const KEYS = Number(args.keys);
const READERS = Number(args.readers);
const WRITERS = Number(args.writers);
const ONLY = args.only?.split(',').map((f) => {
  if (!(FAULT_NAMES as readonly string[]).includes(f)) throw new Error(`--only: unknown fault ${f} (known: ${FAULT_NAMES.join(', ')})`);
  return f as FaultName;
});
/** A read or write still unanswered after this is abandoned: an unknown outcome for a write. */
const REQUEST_TIMEOUT_MS = 5000;
/** Reads that begin within this of a fault's end are tagged with it: that is where stale reads show. */
const AFTERMATH_MS = 5000;

const now = () => performance.now();
const versionOf = (name: string) => Number(/ v(\d+)$/.exec(name)?.[1] ?? 0);

interface Instance {
  name: string;
  api: ApiProcess;
  redisProxy: FaultProxy;
  dbProxy: FaultProxy;
}

class Counters {
  readsFailed = 0;
  readsBySource: Record<string, number> = {};
  readErrors: Record<string, number> = {};
  writesByOutcome: Record<WriteOutcome, number> = { ok: 0, failed: 0, unknown: 0 };
  add(map: Record<string, number>, key: string) {
    map[key] = (map[key] ?? 0) + 1;
  }
}

async function request(url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

async function main(): Promise<void> {
  console.log(
    `consistency: seed ${SEED}, ${INSTANCES} API instances, ${READERS} readers + ${WRITERS} writers over ${KEYS} users, ` +
      `${READ_TARGET ? `until ${READ_TARGET} reads` : `${DURATION_MS / 1000} s`}, faults: ${(ONLY ?? FAULT_NAMES).join(', ')}`,
  );
  const [redis, maria] = await Promise.all([RedisServerProcess.start(), MariaDbProcess.start()]);
  const instances: Instance[] = [];
  try {
    for (let i = 0; i < INSTANCES; i++) {
      const redisProxy = await FaultProxy.start({ upstream: { host: '127.0.0.1', port: redis.port } });
      const dbProxy = await FaultProxy.start({ upstream: { host: '127.0.0.1', port: maria.port } });
      const api = new ApiProcess(await freePort(), {
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(redisProxy.port),
        MYSQL_HOST: '127.0.0.1',
        MYSQL_PORT: String(dbProxy.port),
        MYSQL_USER: 'root',
        MYSQL_DATABASE: 'consistency',
        LOG_LEVEL: 'error',
      });
      instances.push({ name: `api-${i + 1}`, api, redisProxy, dbProxy });
      await api.start(); // one after the other: the first creates the database and runs the migrations
    }
    await run(redis, instances);
  } finally {
    for (const i of instances) await Promise.allSettled([i.api.stop(), i.redisProxy.stop(), i.dbProxy.stop()]);
    await Promise.allSettled([redis.stop(), maria.stop()]);
    fs.rmSync(redis.dir, { recursive: true, force: true });
    fs.rmSync(maria.dataDir, { recursive: true, force: true });
  }
}

async function run(redis: RedisServerProcess, instances: Instance[]): Promise<void> {
  const ids: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const res = await request(`${instances[0].api.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `consistency ${i} v0`, email: `consistency${i}@example.test` }),
    });
    ids.push(((await res.json()) as UserDto).id);
  }
  const t0 = now();
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  /** A time of the run's clock as seconds into the run. */
  const at = (ms: number) => seconds(ms - t0);
  const checker = new ConsistencyChecker();
  const counters = new Counters();
  const nextVersion = new Map(ids.map((id) => [id, 0]));
  const nemesis = new Nemesis(
    {
      redis,
      instances: instances.map((i) => ({ ...i, kill: () => i.api.kill(), start: () => i.api.start() })),
    },
    {
      seed: SEED,
      faultMs: [1000, 8000],
      quietMs: [1000, 4000],
      now,
      only: ONLY,
      onEvent: (e) =>
        console.log(
          `  ${at(e.startedAt)} ${e.fault}${e.instance ? ` on ${e.instance}` : ''} for ${seconds(e.endedAt! - e.startedAt)}${e.detail ? ` (${e.detail})` : ''}`,
        ),
    },
  );
  /** The fault a read that begins now is tagged with: the current one, or one that ended within AFTERMATH_MS. */
  const tagNow = (): string => {
    if (nemesis.current) return nemesis.current.fault;
    const last: FaultEvent | undefined = nemesis.events[nemesis.events.length - 1];
    return last?.endedAt !== undefined && now() - last.endedAt < AFTERMATH_MS ? last.fault : 'steady';
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
  const stop = new AbortController();

  const reader = async () => {
    while (!stop.signal.aborted) {
      const id = pick(ids);
      const instance = pick(instances);
      const tag = tagNow();
      const invokedAt = now();
      try {
        const res = await request(`${instance.api.url}/api/users/${id}`);
        const body = (await res.json()) as { user?: UserDto; source?: string; code?: string };
        if (res.status !== 200) throw new Error(`${res.status} ${body.code ?? ''}`.trim());
        const source = body.source ?? 'unknown';
        counters.add(counters.readsBySource, source);
        checker.read({
          key: String(id),
          version: versionOf(body.user!.name),
          invokedAt,
          completedAt: now(),
          tag,
          source,
          origin: instance.name,
        });
        if (READ_TARGET && checker.readsChecked >= READ_TARGET) stop.abort();
      } catch (e) {
        counters.readsFailed++;
        counters.add(counters.readErrors, e instanceof Error ? e.message.slice(0, 60) : String(e));
        await sleep(20, stop.signal); // an instance that is down answers at once: do not spin on it
      }
    }
  };
  const writer = async () => {
    while (!stop.signal.aborted) {
      const id = pick(ids);
      const instance = pick(instances);
      const version = nextVersion.get(id)! + 1;
      nextVersion.set(id, version);
      const handle = checker.writeInvoked(String(id), version, now());
      let outcome: WriteOutcome;
      try {
        const res = await request(`${instance.api.url}/api/users/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `consistency ${id} v${version}` }),
        });
        await res.arrayBuffer();
        // A 4xx was refused before the database; a 5xx may have committed and then failed.
        outcome = res.ok ? 'ok' : res.status < 500 ? 'failed' : 'unknown';
      } catch {
        outcome = 'unknown'; // a timeout or a dropped connection: it may have committed
      }
      checker.writeCompleted(handle, outcome, now());
      counters.writesByOutcome[outcome]++;
      if (outcome !== 'ok') await sleep(20, stop.signal);
    }
  };

  const progress = setInterval(() => {
    const r = checker.report();
    console.log(
      `${at(now())}: ${r.readsChecked} reads checked (${JSON.stringify(counters.readsBySource)}), ${r.violations} violations, ` +
        `${counters.readsFailed} failed reads, writes ${JSON.stringify(counters.writesByOutcome)}`,
    );
  }, 10_000);
  const deadline = READ_TARGET ? null : setTimeout(() => stop.abort(), DURATION_MS);
  await Promise.all([...Array.from({ length: READERS }, reader), ...Array.from({ length: WRITERS }, writer), nemesis.run(stop.signal)]);
  clearInterval(progress);
  if (deadline) clearTimeout(deadline);

  const report = checker.report();
  console.log(`\nconsistency (seed ${SEED}): ${describeNines(report.readsChecked, report.violations)}`);
  console.log(`| reads during | checked | stale | future | nines |\n|---|---:|---:|---:|---:|`);
  for (const [tag, t] of Object.entries(report.byTag))
    console.log(`| ${tag} | ${t.readsChecked} | ${t.stale} | ${t.future} | ${t.stale + t.future === 0 ? '≥ ' : ''}${t.nines.toFixed(2)} |`);
  for (const v of report.examples.slice(0, 10))
    console.log(
      `  ${v.kind}: user ${v.key} read v${v.read} (bound v${v.bound}) from ${v.source} on ${v.origin} during ${v.tag}, ` +
        `read ${at(v.readInvokedAt)}..${at(v.readCompletedAt)}${v.boundAckedAt !== undefined ? `, v${v.bound} acknowledged at ${at(v.boundAckedAt)}` : ''}`,
    );
  console.log(
    `reads failed ${counters.readsFailed} ${JSON.stringify(counters.readErrors)}; writes ${JSON.stringify(counters.writesByOutcome)}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  writeResult(
    'consistency',
    {
      seed: SEED,
      instances: INSTANCES,
      keys: KEYS,
      readers: READERS,
      writers: WRITERS,
      durationMs: DURATION_MS,
      readTarget: READ_TARGET,
      faults: ONLY ?? FAULT_NAMES,
    },
    {
      report,
      reads: { failed: counters.readsFailed, bySource: counters.readsBySource, errors: counters.readErrors },
      writes: counters.writesByOutcome,
      faults: nemesis.events.map((e) => ({ ...e, startedAt: e.startedAt - t0, endedAt: e.endedAt === undefined ? null : e.endedAt - t0 })),
    },
  );
  if (report.violations > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(2);
});
