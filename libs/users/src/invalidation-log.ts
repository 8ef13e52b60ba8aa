import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import { In, Repository } from 'typeorm';
import { DatabaseConnectionService } from '@rrl/database';
import { PendingInvalidation } from './pending-invalidation.entity';

/** A key and the token of the mark that made it pending. */
export type InvalidationMark = readonly [key: string, token: string];

/** Rows per statement: well under every driver's bound-parameter limit. */
const CHUNK = 400;

/**
 * The durable side of the cache's pending invalidations: keys a write could not update in Redis,
 * stored in the same database as the users. The cache keeps its own copy in memory for the read
 * path and uses this log so that a mark survives a restart and reaches every instance. Every call
 * is limited to mysql.queryTimeout (DatabaseConnectionService.run); callers log failures.
 */
@Injectable()
export class InvalidationLog {
  constructor(
    @InjectRepository(PendingInvalidation) private readonly rows: Repository<PendingInvalidation>,
    private readonly connection: DatabaseConnectionService,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {}

  /** Records marks; a key marked again takes the newer token. */
  async record(marks: readonly InvalidationMark[]): Promise<void> {
    for (let i = 0; i < marks.length; i += CHUNK) {
      const chunk = marks.slice(i, i + CHUNK).map(([key, token]) => ({ key, token }));
      await this.run(() => this.rows.upsert(chunk, { conflictPaths: ['key'] }));
    }
  }

  async list(): Promise<InvalidationMark[]> {
    const rows = await this.run(() => this.rows.find({ select: { key: true, token: true } }));
    return rows.map((r) => [r.key, r.token] as const);
  }

  /**
   * Deletes the rows of these marks, and only those: a key marked again since (a newer token)
   * keeps its row. Tokens are unique per mark, so "key in K and token in T" matches exactly them.
   */
  async clear(marks: readonly InvalidationMark[]): Promise<void> {
    for (let i = 0; i < marks.length; i += CHUNK) {
      const chunk = marks.slice(i, i + CHUNK);
      await this.run(() => this.rows.delete({ key: In(chunk.map(([k]) => k)), token: In(chunk.map(([, t]) => t)) }));
    }
  }

  async count(): Promise<number> {
    return this.run(() => this.rows.count());
  }

  private run<T>(query: () => Promise<T>): Promise<T> {
    return this.connection.run(query, this.config.mysql.queryTimeout);
  }
}
