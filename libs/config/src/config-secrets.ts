import type { AppConfig } from './config.schema';
import { parseRedisUrl } from './redis-url';

/**
 * Every secret the configuration holds (Redis and Sentinel passwords, the one inside REDIS_URL, the
 * MySQL password, CHAOS_TOKEN), for redactSecrets: what must never appear in a log line or an error.
 */
export function configSecrets(config: AppConfig): string[] {
  const fromUrl = config.redis.url ? parseRedisUrl(config.redis.url).password : null;
  return [fromUrl, config.redis.password, config.redis.sentinel.password, config.mysql.password, config.chaos.token].filter(
    (s): s is string => !!s,
  );
}
