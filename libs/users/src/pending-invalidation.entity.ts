import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A Redis key the cache could not update or delete after a database write (Redis was down):
 * Redis may hold a stale value for it. Kept in the database, next to the write it follows, so
 * the mark outlives the process that made it and is seen by every instance (InvalidationLog).
 */
@Entity({ name: 'cache_pending_invalidations' })
export class PendingInvalidation {
  @PrimaryColumn({ name: 'cache_key', type: 'varchar', length: 512 })
  key!: string;

  /** Names one mark: a flush deletes the row only if no newer write marked the key again. */
  @Column({ type: 'varchar', length: 64 })
  token!: string;

  @CreateDateColumn({ name: 'marked_at' })
  markedAt!: Date;
}
