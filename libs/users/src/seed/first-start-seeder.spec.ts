import { Test, type TestingModule } from '@nestjs/testing';
import { AppConfigModule, loadConfig } from '@rrl/config';
import { DatabaseConnectionService, DatabaseModule } from '@rrl/database';
import { UsersModule } from '../users.module';
import { USERS_SCHEMA } from '../users.schema';
import { UsersRepository } from '../users.repository';
import { FirstStartSeeder } from './first-start-seeder.service';

/** A fresh in-memory SQLite database with the seeder, started like the API starts it. */
async function boot(onFirstStart: boolean | null, users = 10_000): Promise<TestingModule> {
  const config = loadConfig({ env: {}, overrides: { sqlite: { file: ':memory:' }, seed: { onFirstStart, users } } });
  const app = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot({ config }), DatabaseModule.forRoot({ schemas: [USERS_SCHEMA] }), UsersModule.forRoot()],
    providers: [FirstStartSeeder],
  }).compile();
  app.useLogger(false);
  await app.init();
  await app.get(DatabaseConnectionService).whenConnected(20_000);
  return app;
}

describe('FirstStartSeeder', () => {
  let app: TestingModule | undefined;
  afterEach(() => app?.close());

  it('fills an empty database with the 10 000 demo users on the embedded default', async () => {
    app = await boot(null);
    await app.get(FirstStartSeeder).whenDone();
    const users = app.get(UsersRepository);
    expect(await users.count()).toBe(10_000);
    expect(await users.findByEmail('user10000@example.test')).toMatchObject({ id: 10_000 });
  });

  it('leaves a database that already has users alone (a restart is not a first start)', async () => {
    app = await boot(false);
    await app.get(UsersRepository).create({ name: 'Existing', email: 'existing@example.test' });
    // Start the seeder again over the same data, as a second start would.
    const seeder = new FirstStartSeeder(
      { ...loadConfig({ env: {} }), seed: { onFirstStart: true, users: 50 } },
      app.get(DatabaseConnectionService),
      app.get(UsersRepository),
    );
    seeder.onApplicationBootstrap();
    await seeder.whenDone();
    expect(await app.get(UsersRepository).count()).toBe(1);
  });

  it('does nothing when seed.onFirstStart is off', async () => {
    app = await boot(false);
    await app.get(FirstStartSeeder).whenDone();
    expect(await app.get(UsersRepository).count()).toBe(0);
  });
});
