import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Written with the driver-agnostic Table API so the one migration runs on MySQL/MariaDB and
 * SQLite; only the timestamp defaults differ (each driver's own "now" expression).
 */
export class CreateUsers1764000000000 implements MigrationInterface {
  name = 'CreateUsers1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.driver.options.type === 'better-sqlite3';
    // Microsecond precision on MySQL matches what TypeORM's @CreateDateColumn expects there.
    const timestamp = sqlite
      ? { type: 'datetime', default: "(datetime('now'))" }
      : { type: 'datetime', precision: 6, default: 'CURRENT_TIMESTAMP(6)' };
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'company', type: 'varchar', length: '100', isNullable: true },
          { name: 'city', type: 'varchar', length: '100', isNullable: true },
          { name: 'country', type: 'varchar', length: '100', isNullable: true },
          { name: 'active', type: 'boolean', default: 1 },
          { name: 'createdAt', ...timestamp },
          { name: 'updatedAt', ...timestamp, ...(sqlite ? {} : { onUpdate: 'CURRENT_TIMESTAMP(6)' }) },
        ],
      }),
      true,
    );
    await queryRunner.createIndex('users', new TableIndex({ name: 'UQ_users_email', columnNames: ['email'], isUnique: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('users', 'UQ_users_email');
    await queryRunner.dropTable('users');
  }
}
