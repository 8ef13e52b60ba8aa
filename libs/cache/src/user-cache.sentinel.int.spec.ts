import type { UserReadResult } from '@rrl/contracts';
import { createTestDatabase, RedisSentinelTopology, waitFor, type HostPort, type TestDatabase } from '@rrl/testing';
import Redis from 'ioredis';
import { startCacheHarness, type CacheHarness } from '../test/cache-harness';
import { PendingInvalidationsService } from './pending-invalidations.service';

/** What readers and writers saw while a failover ran. */
interface LoadTally {
  reads: { at: number; source: UserReadResult['source']; node: string | null }[];
  failed: string[];
  stale: string[];
  writes: number;
  failedWrites: number;
}

const versionOf = (name: string) => Number(/ v(\d+)$/.exec(name)?.[1] ?? -1);
const nodeName = (n: HostPort) => `${n.host}:${n.port}`;

/**
 * Sentinel failover with real processes: a master, two replicas and three sentinels (a short
 * down-after-milliseconds), the cache wired as the app wires it in Sentinel mode (production
 * reconnect timings), readers and writers running throughout, a MariaDB database of its own
 * (on the shared server) as the fallback.
 */
describe('UserCacheService over Redis Sentinel', () => {
  let topology: RedisSentinelTopology;
  let db: TestDatabase;
  let h: CacheHarness;
  let ids: number[];
  const acked = new Map<number, number>();

  beforeAll(async () => {
    [topology, db] = await Promise.all([RedisSentinelTopology.start({ downAfterMs: 1000 }), createTestDatabase()]);
    h = await startCacheHarness({
      redisPort: 1, // ignored in Sentinel mode: the sentinels name the master
      mysql: db,
      overrides: {
        redis: {
          sentinel: { nodes: topology.sentinelNodes, masterName: topology.masterName },
          // The production reconnect timings (config/default.json), not the harness's tighter ones.
          connection: { retryDelay: 100, maxRetryDelay: 1000 },
        },
      },
    });
    ids = [];
    for (let i = 0; i < 8; i++) {
      const u = await h.cache.create({ name: `Sentinel ${i} v0`, email: `sentinel${i}@example.test` });
      ids.push(u.id);
      acked.set(u.id, 0);
    }
    for (const id of ids) await waitFor(`user ${id} from Redis`, async () => (await h.cache.get(id)).source === 'redis', 20_000);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await topology?.stop();
    await db?.drop();
  });

  /** Readers read the users, one writer renames them (about one operation in ten), until stopped. */
  function startLoad(): { tally: LoadTally; stop: () => Promise<void> } {
    const tally: LoadTally = { reads: [], failed: [], stale: [], writes: 0, failedWrites: 0 };
    let running = true;
    let version = 1000 * (Math.max(...acked.values()) + 1);
    const reader = async () => {
      while (running) {
        const id = ids[Math.floor(Math.random() * ids.length)];
        const before = acked.get(id)!;
        try {
          const r = await h.cache.get(id);
          tally.reads.push({ at: Date.now(), source: r.source, node: h.redis.status().node });
          if (versionOf(r.user.name) < before)
            tally.stale.push(`user ${id}: read v${versionOf(r.user.name)} after v${before} was acknowledged`);
        } catch (e) {
          tally.failed.push(String(e));
        }
      }
    };
    const writer = async () => {
      while (running) {
        const id = ids[Math.floor(Math.random() * ids.length)];
        const v = ++version;
        try {
          await h.cache.update(id, { name: `Sentinel ${id} v${v}` });
          acked.set(id, Math.max(acked.get(id)!, v));
          tally.writes++;
        } catch {
          tally.failedWrites++;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const all = [reader(), reader(), reader(), reader(), writer()];
    return {
      tally,
      stop: async () => {
        running = false;
        await Promise.all(all);
      },
    };
  }

  async function failOver(fault: (master: HostPort) => Promise<void>, label: string) {
    const master = await topology.master();
    expect(h.redis.status().node).toBe(nodeName(master));
    const load = startLoad();
    await waitFor('readers and the writer under way', () => load.tally.reads.length >= 20 && load.tally.writes >= 3);
    const writesBefore = load.tally.writes;
    const faultAt = Date.now();
    await fault(master);
    const announced = await topology.waitForSwitch(faultAt);
    expect(announced.from.port).toBe(master.port);
    const newMaster = nodeName(announced.to);
    const firstFromNew = await waitFor(
      `a read served by the new master ${newMaster}`,
      () => load.tally.reads.find((r) => r.at >= announced.announcedAt && r.source === 'redis' && r.node === newMaster),
      20_000,
    );
    // Zero stale only means something if the new master is written to and read back.
    const writesAtNew = load.tally.writes;
    const readsAtNew = load.tally.reads.length;
    await waitFor(
      'writes and reads on the new master',
      () => load.tally.writes >= writesAtNew + 3 && load.tally.reads.length >= readsAtNew + 20,
      20_000,
    );
    await load.stop();
    const lagMs = firstFromNew.at - announced.announcedAt;
    // The figures the issue asks for; the assertions below leave room for a loaded machine.
    console.log(
      `${label}: down-after-milliseconds ${topology.downAfterMs}, fault to +switch-master ${announced.announcedAt - faultAt} ms, ` +
        `+switch-master to first read from the new master ${lagMs} ms; ${load.tally.reads.length} reads ` +
        `(${load.tally.reads.filter((r) => r.source === 'mysql').length} from the database), ${load.tally.writes} writes, ${load.tally.failedWrites} failed`,
    );
    expect(load.tally.failed).toEqual([]);
    expect(writesBefore).toBeGreaterThan(0);
    expect(load.tally.writes).toBeGreaterThan(writesAtNew);
    expect(load.tally.stale).toEqual([]);
    expect(lagMs).toBeLessThanOrEqual(2000);
    // Each sentinel announces the switch; a late announcement may drop the connection once more.
    await waitFor('the connection ready', () => h.redis.isReady(), 10_000);
    expect(h.redis.status()).toMatchObject({ state: 'ready', node: newMaster, sentinel: { masterName: topology.masterName } });
    // The switch is in the history: away from the old master, then onto the new one. On a loaded
    // machine Sentinel may promote twice (a failover that overran its timeout is redone), so another
    // node can sit between them; a later reconnect to the same node may follow.
    const readies = h.redis.history().filter((t) => t.to === 'ready' && Date.parse(t.at) >= faultAt);
    expect(readies[0]).toMatchObject({ previousNode: nodeName(master) });
    expect(readies.map((t) => t.node)).toContain(newMaster);
    const switches = readies.filter((t) => t.previousNode !== undefined && t.previousNode !== t.node).length;
    return { announced, lagMs, switches };
  }

  it('master killed: reads never fail (database during the switch), none is stale, and the new master serves within 2 s of the announcement', async () => {
    const before = h.redis.status().stats.nodeSwitches;
    let killed: HostPort | null = null;
    const { switches } = await failOver(async (m) => {
      killed = m;
      await topology.server(m.port).kill();
    }, 'kill');
    expect(switches).toBeGreaterThanOrEqual(1);
    expect(h.redis.status().stats.nodeSwitches).toBe(before + switches);
    await topology.server((killed as unknown as HostPort).port).start(); // Sentinel makes it a replica of the new master
  }, 60_000);

  it('master paused (SIGSTOP): the switch is noticed from +switch-master, not from a socket that never breaks', async () => {
    let paused: HostPort | null = null;
    try {
      await failOver(async (m) => {
        paused = m;
        topology.server(m.port).pause();
      }, 'pause');
    } finally {
      if (paused) topology.server((paused as HostPort).port).unpause();
    }
  }, 60_000);

  /**
   * The async-replication hazard: the master acknowledges a write, dies before its replicas got
   * it, and a replica holding the older cached value is promoted. The replicas are paused around
   * the write so that it certainly never reaches them. Returns every version read until the new
   * master serves the user.
   */
  async function writeLostInFailover(id: number): Promise<{ acknowledged: number; read: number[] }> {
    const master = await topology.master();
    const admin = new Redis({ port: master.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    admin.on('error', () => undefined);
    await admin.connect();
    await waitFor(`user ${id} from Redis`, async () => (await h.cache.get(id)).source === 'redis', 20_000);
    // The cached (older) value is on every connected replica: the one Sentinel promotes is among them.
    await waitFor('a replica caught up', async () => Number(await admin.call('WAIT', '1', '1000')) >= 1, 30_000, 0);
    const replicas = topology.servers.filter((s) => s.port !== master.port && s.state === 'running');
    // Replicas paused, then their links cut by the master: the write below stays in the master
    // alone (a paused replica would still find it in its socket buffer on SIGCONT).
    for (const r of replicas) r.pause();
    await admin.call('CLIENT', 'KILL', 'TYPE', 'replica');
    admin.disconnect();
    const acknowledged = Math.max(...acked.values()) + 1;
    await h.cache.update(id, { name: `Sentinel ${id} v${acknowledged}` });
    acked.set(id, acknowledged);
    const faultAt = Date.now();
    await topology.server(master.port).kill();
    for (const r of replicas) r.unpause();
    const announced = await topology.waitForSwitch(faultAt);
    const read: number[] = [];
    await waitFor(
      'a read served by the new master',
      async () => {
        const r = await h.cache.get(id);
        read.push(versionOf(r.user.name));
        return r.source === 'redis' && h.redis.status().node === nodeName(announced.to);
      },
      20_000,
      10,
    );
    await topology.server(master.port).start(); // back as a replica of the new master, for the next test
    return { acknowledged, read };
  }

  it('a write the promoted replica never received is not read back older: the users written before the switch are deleted there first', async () => {
    const gate = h.app.get(PendingInvalidationsService);
    // Without the bookkeeping the hazard is real: the new master serves the older value.
    gate.bookkeeping = 'off';
    try {
      const withoutGuard = await writeLostInFailover(ids[1]);
      expect(withoutGuard.read.at(-1)).toBeLessThan(withoutGuard.acknowledged);
    } finally {
      gate.bookkeeping = 'durable';
    }
    const guarded = await writeLostInFailover(ids[2]);
    expect(guarded.read.every((v) => v >= guarded.acknowledged)).toBe(true);
  }, 90_000);
});
