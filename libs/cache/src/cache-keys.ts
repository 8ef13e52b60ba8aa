import type { AppConfig } from '@rrl/config';

type CachingConfig = AppConfig['redis']['caching'];

/** Value stored for an id the database does not know (negative cache / delete tombstone). */
export const NOT_FOUND_MARKER = 'null';

/**
 * The fill lease of a cache key: a read that missed takes it before its database query, a write
 * (or an invalidation) deletes it, and the read fills the key only while its lease still stands.
 * A suffix, not a prefix, so a hash tag in the key (Redis Cluster) puts both in one slot.
 */
export const leaseKeyOf = (key: string): string => `${key}:lease`;

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
