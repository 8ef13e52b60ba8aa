import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, ManagedProcess, markOwner, RedisServerProcess } from '@rrl/chaos';
import Redis from 'ioredis';
import { waitFor } from './wait-for';

export interface SentinelTopologyOptions {
  masterName?: string;
  /** Sentinel's down-after-milliseconds: how long the master must be silent before a failover. */
  downAfterMs?: number;
  replicas?: number;
  sentinels?: number;
}

export interface HostPort {
  host: string;
  port: number;
}

/** A `+switch-master` announcement as a sentinel published it, with the time this process received it. */
export interface MasterSwitch {
  from: HostPort;
  to: HostPort;
  announcedAt: number;
}

const HOST = '127.0.0.1';

/**
 * One master, `replicas` replicas and `sentinels` `redis-server --sentinel` processes on free
 * ports (quorum: a majority), nothing persisted. start() returns once every sentinel sees the
 * master, every replica and every other sentinel, so a failover can be authorised at once.
 */
export class RedisSentinelTopology {
  private readonly switchWatcher: Redis;
  private readonly switches: MasterSwitch[] = [];

  private constructor(
    readonly masterName: string,
    readonly downAfterMs: number,
    /** Data nodes; [0] is the first master. A failover changes which one is master, not this list. */
    readonly servers: RedisServerProcess[],
    readonly sentinels: { process: ManagedProcess; port: number }[],
  ) {
    this.switchWatcher = new Redis({ host: HOST, port: sentinels[0].port, lazyConnect: true, maxRetriesPerRequest: 0 });
    this.switchWatcher.on('error', () => undefined);
    this.switchWatcher.on('message', (_channel: string, text: string) => {
      // "<name> <old-ip> <old-port> <new-ip> <new-port>"
      const [name, oldHost, oldPort, newHost, newPort] = text.split(' ');
      if (name !== this.masterName) return;
      this.switches.push({
        from: { host: oldHost, port: Number(oldPort) },
        to: { host: newHost, port: Number(newPort) },
        announcedAt: Date.now(),
      });
    });
  }

  static async start(opts: SentinelTopologyOptions = {}): Promise<RedisSentinelTopology> {
    const masterName = opts.masterName ?? 'mymaster';
    const downAfterMs = opts.downAfterMs ?? 1000;
    const sentinelCount = opts.sentinels ?? 3;
    const master = await RedisServerProcess.start();
    const replicas = await Promise.all(
      Array.from({ length: opts.replicas ?? 2 }, () => RedisServerProcess.start({ extraArgs: ['--replicaof', HOST, String(master.port)] })),
    );
    const sentinels = await Promise.all(
      Array.from({ length: sentinelCount }, () => startSentinel(masterName, master.port, downAfterMs, Math.floor(sentinelCount / 2) + 1)),
    );
    const topology = new RedisSentinelTopology(masterName, downAfterMs, [master, ...replicas], sentinels);
    try {
      await topology.whenSettled(replicas.length, sentinelCount - 1);
      await topology.switchWatcher.connect();
      await topology.switchWatcher.subscribe('+switch-master');
    } catch (e) {
      await topology.stop();
      throw e;
    }
    return topology;
  }

  /** The sentinels' addresses, as REDIS_SENTINELS takes them. */
  get sentinelNodes(): HostPort[] {
    return this.sentinels.map((s) => ({ host: HOST, port: s.port }));
  }

  /**
   * Every process as a chaos target (the shape ChaosModule's `processes` takes): the data nodes by
   * their own port, the sentinels with their endpoint given and labelled as such.
   */
  get chaosTargets(): { process: ManagedProcess; kind: 'redis'; endpoint?: HostPort; labels?: Record<string, string> }[] {
    return [
      ...this.servers.map((process) => ({ process, kind: 'redis' as const })),
      ...this.sentinels.map((s) => ({
        process: s.process,
        kind: 'redis' as const,
        endpoint: { host: HOST, port: s.port },
        labels: { 'resilience-lab.role': 'sentinel' },
      })),
    ];
  }

  /** Every `+switch-master` seen since start, oldest first. */
  get masterSwitches(): MasterSwitch[] {
    return [...this.switches];
  }

  /** The master the sentinels currently name. */
  async master(): Promise<HostPort> {
    const reply = (await this.sentinelCommand(['get-master-addr-by-name', this.masterName])) as [string, string];
    return { host: reply[0], port: Number(reply[1]) };
  }

  /** SENTINEL FAILOVER: a switch to a replica without any failure (what an operator does before maintenance). */
  async manualFailover(): Promise<void> {
    await this.sentinelCommand(['failover', this.masterName]);
  }

  /** The data node process listening on `port`. */
  server(port: number): RedisServerProcess {
    const found = this.servers.find((s) => s.port === port);
    if (!found) throw new Error(`no data node on port ${port}`);
    return found;
  }

  /** The next `+switch-master` after `after` (ms since epoch). */
  waitForSwitch(after: number, timeoutMs = 30_000): Promise<MasterSwitch> {
    return waitFor('+switch-master', () => this.switches.find((s) => s.announcedAt >= after), timeoutMs);
  }

  async stop(): Promise<void> {
    this.switchWatcher.disconnect();
    await Promise.all([...this.sentinels.map((s) => s.process.kill()), ...this.servers.map((s) => s.kill())]);
  }

  private async whenSettled(replicas: number, otherSentinels: number): Promise<void> {
    for (const s of this.sentinels) {
      await waitFor(
        `sentinel ${s.port} to see ${replicas} replicas and ${otherSentinels} other sentinels`,
        async () => {
          const fields = await withSentinel(s.port, (c) => c.call('SENTINEL', 'master', this.masterName));
          const info = toRecord(fields as string[]);
          return Number(info['num-slaves']) >= replicas && Number(info['num-other-sentinels']) >= otherSentinels;
        },
        30_000,
        200,
      );
    }
  }

  private sentinelCommand(args: string[]): Promise<unknown> {
    return withSentinel(this.sentinels[0].port, (c) => c.call('SENTINEL', ...args));
  }
}

async function startSentinel(
  masterName: string,
  masterPort: number,
  downAfterMs: number,
  quorum: number,
): Promise<{ process: ManagedProcess; port: number }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rrl-sentinel-${port}-`));
  markOwner(dir); // a killed owner's sentinel and folder are cleared by the next test run
  const file = path.join(dir, 'sentinel.conf');
  // Sentinel rewrites its config file as it learns the topology, so each needs its own writable one.
  fs.writeFileSync(
    file,
    [
      `port ${port}`,
      `bind ${HOST}`,
      `dir ${dir}`,
      'protected-mode no',
      `sentinel monitor ${masterName} ${HOST} ${masterPort} ${quorum}`,
      `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
      // Short, so a second failover in the same test is not refused for failover-timeout·2.
      `sentinel failover-timeout ${masterName} 5000`,
      `sentinel parallel-syncs ${masterName} 2`,
      '',
    ].join('\n'),
  );
  const process = new ManagedProcess({
    name: `sentinel-${port}`,
    command: 'redis-server',
    args: [file, '--sentinel'],
    readyLine: /\+monitor master/,
  });
  await process.start();
  return { process, port };
}

async function withSentinel<T>(port: number, fn: (c: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    commandTimeout: 2000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

function toRecord(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}
