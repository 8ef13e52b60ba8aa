import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The cache's durable pending-invalidation marks (see PendingInvalidation). */
export class CreatePendingInvalidations1764100000000 implements MigrationInterface {
  name = 'CreatePendingInvalidations1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.driver.options.type === 'better-sqlite3';
    const timestamp = sqlite
      ? { type: 'datetime', default: "(datetime('now'))" }
      : { type: 'datetime', precision: 6, default: 'CURRENT_TIMESTAMP(6)' };
    await queryRunner.createTable(
      new Table({
        name: 'cache_pending_invalidations',
        columns: [
          { name: 'cache_key', type: 'varchar', length: '512', isPrimary: true },
          { name: 'token', type: 'varchar', length: '64' },
          { name: 'marked_at', ...timestamp },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('cache_pending_invalidations');
  }
}
