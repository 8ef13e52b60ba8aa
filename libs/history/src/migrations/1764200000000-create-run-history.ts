import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Run history: chaos run reports and loop-test results, one JSON document per run.
 * Driver-agnostic Table API; only the report's type differs: LONGTEXT on MySQL (TEXT stops at
 * 64 KB, a long chaos timeline can pass that), TEXT on SQLite (unbounded there).
 */
export class CreateRunHistory1764200000000 implements MigrationInterface {
  name = 'CreateRunHistory1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.driver.options.type === 'better-sqlite3';
    for (const name of ['loadtest_runs', 'chaos_runs']) {
      await queryRunner.createTable(
        new Table({
          name,
          columns: [
            { name: 'id', type: 'varchar', length: '36', isPrimary: true },
            { name: 'status', type: 'varchar', length: '16' },
            { name: 'started_at', type: 'varchar', length: '32' },
            { name: 'updated_at', type: 'varchar', length: '32' },
            { name: 'report', type: sqlite ? 'text' : 'longtext' },
          ],
          // With the table, not after it: MySQL commits each DDL statement, so a connect that timed
          // out after the table was made re-runs this migration, and "if not exists" then skips both.
          indices: [
            new TableIndex({ name: `IDX_${name}_started_at`, columnNames: ['started_at'] }),
            new TableIndex({ name: `IDX_${name}_status`, columnNames: ['status'] }),
          ],
        }),
        true,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['loadtest_runs', 'chaos_runs']) await queryRunner.dropTable(name);
  }
}
