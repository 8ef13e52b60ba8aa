import type { UsersRepository } from '@rrl/users';

/** What every peer is given: the same Redis (through the same fault proxy as the lab), the same database and TTL. */
export interface PeerEnv {
  redis: { host: string; port: number; password?: string };
  /** The lab's repository: a miss reads the same rows, through the same time-limited queries. */
  users: Pick<UsersRepository, 'findById' | 'update'>;
  /** The lab's cache TTL, so every path keeps an entry as long. */
  ttlMs: number;
  /** Prefix of this peer's keys: each path caches into its own keys in the same Redis. */
  keyPrefix: string;
}
