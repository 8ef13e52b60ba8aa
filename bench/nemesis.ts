/**
 * The consistency bench's adversary: a seeded schedule of random faults at random times, each
 * undone after a random duration, against the run's real redis-server, its API instances and the
 * fault proxies in front of each instance's Redis and database connections. The seed is printed
 * and can be given back (--seed), so a failing schedule replays fault for fault.
 *
 * Redis itself is broken through libs/chaos's RedisServerProcess (the process driver behind the
 * chaos API's crash/pause/auth-failure scenarios) and the proxies through FaultProxy (the proxy
 * behind CHAOS_PROXY_ENABLED): a built API's chaos API only reaches a redis-server it manages
 * itself, and here three instances share one.
 */
import type { FaultProxy, RedisServerProcess } from '@rrl/chaos';
import { sleep } from '@rrl/common';
import { Redis } from 'ioredis';

/** mulberry32: a tiny seeded PRNG, so a schedule replays from its seed (Math.random cannot be seeded). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the nemesis can break, per instance where a fault is one instance's. */
export interface NemesisTargets {
  redis: RedisServerProcess;
  instances: {
    name: string;
    redisProxy: FaultProxy;
    dbProxy: FaultProxy;
    kill(): Promise<void>;
    start(): Promise<void>;
  }[];
}

export const FAULT_NAMES = [
  'redis-crash',
  'redis-restart',
  'redis-pause',
  'redis-auth-failure',
  'redis-eviction',
  'instance-crash',
  'instance-partition',
  'instance-redis-latency',
  'instance-slow-database',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** One fault of the schedule, as the report lists it. */
export interface FaultEvent {
  fault: FaultName;
  /** Which instance, for the one-instance faults. */
  instance?: string;
  startedAt: number;
  endedAt?: number;
  detail?: string;
}

interface Fault {
  /** Puts the fault in place; the returned function undoes it. */
  inject(): Promise<{ undo: () => Promise<void>; instance?: string; detail?: string }>;
}

export interface NemesisOptions {
  seed: number;
  /** Faults last between these, ms. */
  faultMs: [number, number];
  /** Quiet time between two faults, ms. */
  quietMs: [number, number];
  /** The clock every event of the run is stamped with (the bench's). */
  now: () => number;
  /** Only these faults (all when absent). */
  only?: readonly FaultName[];
  onEvent?: (event: FaultEvent) => void;
}

export class Nemesis {
  readonly events: FaultEvent[] = [];
  /** The fault under way, if any: readers tag their reads with it. */
  current: FaultEvent | null = null;
  private readonly random: () => number;
  private readonly faults: Record<FaultName, Fault>;

  constructor(
    private readonly targets: NemesisTargets,
    private readonly options: NemesisOptions,
  ) {
    this.random = seededRandom(options.seed);
    this.faults = this.buildFaults();
  }

  /** Faults one after another until the signal aborts; the fault under way is always undone. */
  async run(signal: AbortSignal): Promise<void> {
    const names = this.options.only ?? FAULT_NAMES;
    while (!signal.aborted) {
      await sleep(this.between(this.options.quietMs), signal);
      if (signal.aborted) break;
      const fault = names[Math.floor(this.random() * names.length)];
      const duration = this.between(this.options.faultMs);
      const event: FaultEvent = { fault, startedAt: this.options.now() };
      const { undo, instance, detail } = await this.faults[fault].inject();
      Object.assign(event, instance && { instance }, detail && { detail });
      this.current = event;
      this.events.push(event);
      try {
        await sleep(duration, signal);
      } finally {
        await undo();
        event.endedAt = this.options.now();
        this.current = null;
        this.options.onEvent?.(event);
      }
    }
  }

  private between([lo, hi]: [number, number]): number {
    return Math.round(lo + this.random() * (hi - lo));
  }

  private pickInstance() {
    const list = this.targets.instances;
    return list[Math.floor(this.random() * list.length)];
  }

  private buildFaults(): Record<FaultName, Fault> {
    const { redis } = this.targets;
    const toxicOn = (pick: 'redisProxy' | 'dbProxy', toxic: Parameters<FaultProxy['setToxic']>[0], detail?: string): Fault => ({
      inject: async () => {
        const instance = this.pickInstance();
        await instance[pick].setToxic(toxic);
        return { instance: instance.name, detail, undo: async () => void (await instance[pick].removeToxic(toxic.name)) };
      },
    });
    return {
      'redis-crash': { inject: async () => (await redis.kill(), { undo: () => redis.start() }) },
      'redis-restart': { inject: async () => (await redis.stop(), { undo: () => redis.start() }) },
      'redis-pause': { inject: async () => (redis.pause(), { undo: async () => redis.unpause() }) },
      'redis-auth-failure': {
        // A rotated password: connections that re-authenticate get WRONGPASS until it is put back.
        inject: async () => {
          await redis.setPassword('nemesis-rotated-password');
          await clientKill(redis.port, 'nemesis-rotated-password');
          return { undo: () => redis.setPassword(null) };
        },
      },
      'redis-eviction': {
        // Memory pressure: maxmemory just above what Redis holds, then filler keys push the users out.
        inject: async () => {
          const admin = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
          await admin.connect();
          const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? 0);
          await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
          await admin.config('SET', 'maxmemory', String(used + 2 * 2 ** 20));
          const filler = 'x'.repeat(64 * 1024);
          for (let i = 0; i < 64; i++) await admin.set(`nemesis:filler:${i}`, filler).catch(() => undefined);
          const evicted = /evicted_keys:(\d+)/.exec(await admin.info('stats'))?.[1];
          return {
            detail: `evicted_keys ${evicted}`,
            undo: async () => {
              await admin.config('SET', 'maxmemory', '0');
              await admin.quit();
            },
          };
        },
      },
      'instance-crash': {
        inject: async () => {
          const instance = this.pickInstance();
          await instance.kill();
          return { instance: instance.name, undo: () => instance.start() };
        },
      },
      'instance-partition': toxicOn('redisProxy', { name: 'nemesis', type: 'blackhole' }),
      'instance-redis-latency': toxicOn('redisProxy', { name: 'nemesis', type: 'latency', latencyMs: 300, jitterMs: 200 }, '300±200 ms'),
      'instance-slow-database': toxicOn('dbProxy', { name: 'nemesis', type: 'latency', latencyMs: 400, jitterMs: 300 }, '400±300 ms'),
    };
  }
}

/** Drops every normal client connection, so each must AUTH again (with the rotated password). */
async function clientKill(port: number, password: string): Promise<void> {
  const admin = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
  await admin.quit();
}
