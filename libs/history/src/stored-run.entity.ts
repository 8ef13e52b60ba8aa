import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A run kept as its whole report (JSON) plus the columns the store sorts and filters on. One
 * document per run rather than normalised tables: the report's shape is the API's (libs/contracts),
 * it is always read whole, and it changes with the contracts without a migration.
 */
abstract class StoredRun {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  /** ISO-8601 UTC: sorts as text the same on MySQL and SQLite. */
  @Column({ name: 'started_at', type: 'varchar', length: 32 })
  startedAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;

  /** The report as JSON (LONGTEXT on MySQL: a long chaos timeline passes TEXT's 64 KB). */
  @Column({ type: 'text' })
  report!: string;
}

@Entity({ name: 'loadtest_runs' })
export class LoadTestRunRecord extends StoredRun {}

@Entity({ name: 'chaos_runs' })
export class ChaosRunRecord extends StoredRun {}

export type StoredRunRecord = LoadTestRunRecord | ChaosRunRecord;
