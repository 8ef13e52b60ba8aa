import { Logger } from '@nestjs/common';
import { errorMessage, type RedisStateTransition } from '@rrl/contracts';
import type { UsersRepository } from '@rrl/users';

/**
 * After a switch to another Redis node (a Sentinel failover), users written this long before the
 * connection to the old master dropped are invalidated on the new one: an asynchronous replica
 * may not have received the old master's last acknowledged writes. Replication lag on a healthy
 * link is milliseconds; 5 s also covers a clock skew between the app and the database.
 */
export const REPLICATION_LAG_MARGIN_MS = 5000;
/** At most this many recently written users are re-invalidated after a switch (one DEL each, in one round trip). */
export const SWITCH_INVALIDATION_LIMIT = 10_000;

/**
 * Knows when the connection became ready on another node than before, and then lists the users
 * written since shortly before the old master went away (by any instance: the database knows them
 * all), so that their keys are deleted on the new master before it serves them.
 */
export class NodeSwitchInvalidator {
  private readonly logger = new Logger('UserCache');
  /** The writes made since this time may be missing on the new node; cleared once they were listed. */
  private switchedSince: Date | null = null;

  constructor(
    private readonly users: Pick<UsersRepository, 'findIdsUpdatedSince'>,
    private readonly userKey: (id: number) => string,
  ) {}

  /** The connection became ready (`ready` is its transition); `outageMs` is how long it was down. */
  readied(ready: RedisStateTransition | undefined, outageMs: number): void {
    if (ready?.to === 'ready' && ready.previousNode) this.switchedSince = new Date(Date.now() - outageMs - REPLICATION_LAG_MARGIN_MS);
  }

  /**
   * The keys to delete on the new node: none when there was no switch. Null when the database could
   * not say (logged; the next call retries).
   */
  async keysToInvalidate(): Promise<string[] | null> {
    const since = this.switchedSince;
    if (!since) return [];
    try {
      const ids = await this.users.findIdsUpdatedSince(since, SWITCH_INVALIDATION_LIMIT);
      if (this.switchedSince === since) this.switchedSince = null;
      this.logger.log(
        `Redis node switched: ${ids.length} user(s) written since ${since.toISOString()} are deleted there before it serves them`,
      );
      return ids.map(this.userKey);
    } catch (e) {
      this.logger.warn(`Could not list the users written before the Redis node switch (${errorMessage(e)}); Redis serves meanwhile`);
      return null;
    }
  }
}
