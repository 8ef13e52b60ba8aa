import path from 'node:path';
import { errorMessage } from '@rrl/contracts';
import { Logger } from '@nestjs/common';
import { FaultProxy, RedisServerProcess, type ManagedProcess } from '@rrl/chaos';
import type { ChaosEndpoint, ChaosTargetKind } from '@rrl/contracts';
import type { AppConfig } from '@rrl/config';

/** A local process the chaos process driver may act on. */
export interface LocalTarget {
  process: ManagedProcess;
  kind: ChaosTargetKind;
  /** Where it listens, for a process that does not know its own port (a sentinel). */
  endpoint?: ChaosEndpoint;
  labels?: Record<string, string>;
}

/**
 * What exists before Nest boots: the config the modules will see (pointing at the managed
 * redis-server and/or the fault proxy), local processes offered as chaos targets, and what the
 * API owns and must stop on shutdown.
 */
export interface LabRuntime {
  config: AppConfig;
  targets: LocalTarget[];
  /** Started here, stopped with the API. */
  owned: ManagedProcess[];
  /** Fault proxy between the API and Redis when chaos.proxy.enabled. */
  proxy: FaultProxy | null;
}

/**
 * Embedded default: with no Redis configured, run a local redis-server child on a free port (its
 * folder under dataDir, nothing persisted; one left behind by a SIGKILLed run is stopped first).
 * Without the binary the API still serves from the database alone, and says so.
 */
async function startManagedRedis(config: AppConfig, logger: Logger): Promise<{ config: AppConfig; process: RedisServerProcess | null }> {
  try {
    const dir = path.resolve(config.dataDir, 'redis');
    const proc = await RedisServerProcess.start({ dir, pidFile: path.join(dir, 'managed-redis.pid.json') });
    if (proc.reapedPid !== null)
      logger.warn(
        `Stopped a managed redis-server that an earlier run left behind when it died without shutting down: pid ${proc.reapedPid}`,
      );
    logger.log(`No Redis configured: started a managed redis-server (pid ${proc.pid}) on 127.0.0.1:${proc.port}; it stops with the API.`);
    return { config: { ...config, redis: { ...config.redis, host: '127.0.0.1', port: proc.port } }, process: proc };
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    logger.warn(
      `${missing ? 'No redis-server on PATH' : `Managed redis-server failed to start (${errorMessage(e)})`}: ` +
        'serving from the database only; Redis stays unreachable and reads report source "mysql".',
    );
    // Port 1 is never a Redis: the connection stays in reconnecting and the breaker keeps reads on the database.
    return { config: { ...config, redis: { ...config.redis, host: '127.0.0.1', port: 1 } }, process: null };
  }
}

/**
 * Prepares the runtime main.ts and the e2e tests share. `targets` are extra local processes
 * (tests pass their own redis-server / mariadbd) offered to the chaos process driver.
 */
export async function prepareLabRuntime(config: AppConfig, targets: LocalTarget[] = []): Promise<LabRuntime> {
  const logger = new Logger('LabRuntime');
  const runtime: LabRuntime = { config, targets: [...targets], owned: [], proxy: null };
  if (config.redisMode === 'managed') {
    const managed = await startManagedRedis(config, logger);
    runtime.config = managed.config;
    if (managed.process) {
      runtime.owned.push(managed.process);
      runtime.targets.push({ process: managed.process, kind: 'redis' });
    }
  }
  if (config.chaos.proxy.enabled) {
    const upstream = { host: runtime.config.redis.host ?? '127.0.0.1', port: runtime.config.redis.port };
    if (runtime.config.redis.url) throw new Error('chaos.proxy.enabled needs redis.host/port, not redis.url');
    runtime.proxy = await FaultProxy.start({ listenPort: config.chaos.proxy.listenPort, upstream });
    runtime.config = { ...runtime.config, redis: { ...runtime.config.redis, host: '127.0.0.1', port: runtime.proxy.port } };
    logger.log(`Fault proxy on 127.0.0.1:${runtime.proxy.port} in front of Redis ${upstream.host}:${upstream.port}`);
  }
  return runtime;
}

/** Stops what prepareLabRuntime started (on shutdown, or when boot fails half-way). */
export async function releaseLabRuntime(runtime: LabRuntime): Promise<void> {
  await runtime.proxy?.stop();
  await Promise.all(runtime.owned.map((p) => p.stop()));
}
