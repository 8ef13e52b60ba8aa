import path from 'node:path';
import { Logger } from '@nestjs/common';
import { RedisServerProcess } from '@rrl/chaos';
import type { AppConfig } from '@rrl/config';

export interface EmbeddedRedis {
  config: AppConfig;
  process: RedisServerProcess | null;
}

/**
 * Embedded default: with no Redis configured, run a local redis-server child on a free port
 * (its folder under dataDir, nothing persisted) and point the config at it. Without the
 * binary the API still serves from the database alone, and says so.
 */
export async function startManagedRedis(config: AppConfig): Promise<EmbeddedRedis> {
  if (config.redisMode !== 'managed') return { config, process: null };
  const logger = new Logger('EmbeddedRedis');
  try {
    const proc = await RedisServerProcess.start({ dir: path.resolve(config.dataDir, 'redis') });
    logger.log(`No Redis configured: started a managed redis-server (pid ${proc.pid}) on 127.0.0.1:${proc.port}; it stops with the API.`);
    return { config: { ...config, redis: { ...config.redis, host: '127.0.0.1', port: proc.port } }, process: proc };
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    logger.warn(
      `${missing ? 'No redis-server on PATH' : `Managed redis-server failed to start (${(e as Error).message})`}: ` +
        'serving from the database only; Redis stays unreachable and reads report source "mysql".',
    );
    // Port 1 is never a Redis: the connection stays in reconnecting and the breaker keeps reads on the database.
    return { config: { ...config, redis: { ...config.redis, host: '127.0.0.1', port: 1 } }, process: null };
  }
}
