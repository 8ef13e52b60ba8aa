import type { AppConfig } from '@rrl/config';

type CachingConfig = AppConfig['redis']['caching'];

/** Value stored for an id the database does not know (negative cache / delete tombstone). */
export const NOT_FOUND_MARKER = 'null';

/** Key layout under redis.caching.keyPrefix; clear() removes everything under the prefix. */
export class CacheKeys {
  constructor(private readonly caching: CachingConfig) {}

  user(id: number): string {
    return `${this.caching.keyPrefix}${id}`;
  }

  email(email: string): string {
    return `${this.caching.keyPrefix}email:${email}`;
  }

  /** SCAN MATCH pattern for every key of ours; glob characters in the prefix are escaped. */
  pattern(): string {
    return `${this.caching.keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  }

  /** ttl plus up to ttlJitter of it, so keys written together (warming) do not expire together. */
  ttlSeconds(): number {
    const { ttl, ttlJitter } = this.caching;
    return ttl + Math.floor(Math.random() * ttl * ttlJitter);
  }
}
