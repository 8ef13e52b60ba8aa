/**
 * Seeds N deterministic users into the configured database (MySQL, or the embedded SQLite).
 *   npm run seed -- --count 1000000 [--batch 2000]
 */
import { parseArgs } from 'node:util';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { errorMessage, MAX_USER_BATCH } from '@rrl/contracts';
import { AppConfigModule, loadConfig } from '@rrl/config';
import { DatabaseConnectionService, DatabaseModule } from '@rrl/database';
import { seedUsers, UsersModule, USERS_SCHEMA } from '@rrl/users';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, batch: { type: 'string', default: '1000' } } });
  const count = Number(values.count);
  const batchSize = Number(values.batch);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a positive integer, got "${values.count}"`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_USER_BATCH)
    throw new Error(`--batch must be 1..${MAX_USER_BATCH}, got "${values.batch}"`);
  const config = loadConfig();

  @Module({ imports: [AppConfigModule.forRoot({ config }), DatabaseModule.forRoot({ schemas: [USERS_SCHEMA] }), UsersModule.forRoot()] })
  class SeedModule {}

  const ctx = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn', 'log'] });
  const db = ctx.get(DatabaseConnectionService);
  await db.whenConnected(30_000);
  const logger = new Logger('Seed');
  let lastLogged = 0;
  const result = await seedUsers(db.dataSource, {
    count,
    batchSize,
    onProgress: (p) => {
      if (p.done === p.total || p.elapsedMs - lastLogged >= 1000) {
        lastLogged = p.elapsedMs;
        logger.log(
          `${p.done}/${p.total} (${((p.done / p.total) * 100).toFixed(1)}%) inserted ${p.inserted}, skipped ${p.skipped}, ${p.ratePerSec} rows/s`,
        );
      }
    },
  });
  logger.log(
    `Done: ${result.inserted} inserted, ${result.skipped} already present, in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.ratePerSec} rows/s) into ${config.databaseDriver}`,
  );
  await ctx.close();
}

main().catch((e: unknown) => {
  console.error(errorMessage(e));
  process.exit(1);
});
