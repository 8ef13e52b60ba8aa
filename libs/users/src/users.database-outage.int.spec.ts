import { Test, type TestingModule } from '@nestjs/testing';
import { AppConfigModule, loadConfig } from '@rrl/config';
import { type AppError } from '@rrl/contracts';
import { MariaDbProcess, waitFor } from '@rrl/testing';
import { DatabaseConnectionService, DatabaseModule } from '@rrl/database';
import { UsersModule } from './users.module';
import { USERS_SCHEMA } from './users.schema';
import { UsersRepository } from './users.repository';

async function timedRejection(p: Promise<unknown>): Promise<{ error: AppError; ms: number }> {
  const started = Date.now();
  try {
    await p;
  } catch (e) {
    return { error: e as AppError, ms: Date.now() - started };
  }
  throw new Error('expected a rejection');
}

/** A MariaDB of our own that this suite kills, restarts and pauses. */
describe('database outages (own MariaDB)', () => {
  let mariadb: MariaDbProcess;
  let app: TestingModule;
  let connection: DatabaseConnectionService;
  let users: UsersRepository;

  beforeAll(async () => {
    mariadb = await MariaDbProcess.start();
    // Down before the app boots: boot must neither crash nor wait for it.
    await mariadb.kill();
    const config = loadConfig({
      env: {},
      overrides: { mysql: { host: '127.0.0.1', port: mariadb.port, database: 'resilience_lab', queryTimeout: 1000, connectTimeout: 1000 } },
    });
    app = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot({ config }), DatabaseModule.forRoot({ schemas: [USERS_SCHEMA] }), UsersModule.forRoot()],
    }).compile();
    app.useLogger(false);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await mariadb?.kill();
  });

  it('boots at once while MySQL is down and answers 503 DATABASE_UNAVAILABLE', async () => {
    const started = Date.now();
    await app.init();
    // Boot does not wait for the database (which would be forever: it is down). The bound only
    // tells "did not wait" apart from that, with room for a busy 2-core runner.
    expect(Date.now() - started).toBeLessThan(5000);
    connection = app.get(DatabaseConnectionService);
    users = app.get(UsersRepository);
    expect(connection.isConnected()).toBe(false);
    const { error } = await timedRejection(users.findById(1));
    expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', statusCode: 503 });
    expect(error.message).toMatch(/not connected/);
    expect(await connection.ping(500)).toMatchObject({ up: false });
    await waitFor('a failed attempt', () => connection.status().attempts >= 1 && connection.status().lastError);
  });

  it('connects on its own once MySQL starts, creating the database and the table, and not before it is migrated', async () => {
    // Hold TypeORM between "driver connected" and "migrations applied": it already reports
    // isInitialized there, but a request must still get 503 instead of ER_NO_SUCH_TABLE.
    const dataSource = connection.dataSource;
    const runMigrations = dataSource.runMigrations.bind(dataSource);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let migrating = false;
    dataSource.runMigrations = async (options) => {
      migrating = true;
      await gate;
      return runMigrations(options);
    };
    try {
      await mariadb.start();
      await waitFor('migrations started', () => migrating, 30_000);
      expect(dataSource.isInitialized).toBe(true);
      expect(connection.isConnected()).toBe(false);
      await expect(users.findById(1)).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE', statusCode: 503 });
      expect(await connection.ping(500)).toMatchObject({ up: false });
    } finally {
      // Shutdown waits for the attempt in flight: never leave it parked on the gate.
      release();
    }
    await connection.whenConnected(30_000);
    expect(connection.isConnected()).toBe(true);
    const u = await users.create({ name: 'Back Online', email: 'back@example.test' });
    expect(await users.findById(u.id)).toMatchObject({ email: 'back@example.test' });
  }, 40_000);

  it('fails a query within about queryTimeout while MySQL is paused, then recovers', async () => {
    mariadb.pause();
    try {
      const { error, ms } = await timedRejection(users.findById(1));
      expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', statusCode: 503 });
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(3000);
      expect(await connection.ping(300)).toMatchObject({ up: false });
    } finally {
      mariadb.unpause();
    }
    await waitFor('queries after SIGCONT', () => users.findById(1).then((u) => u !== null), 10_000);
  });

  it('answers 503 at once while MySQL is killed and recovers after a restart without a reboot', async () => {
    await mariadb.kill();
    const { error, ms } = await timedRejection(users.count());
    expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', statusCode: 503 });
    // "At once": refused, not failed by the 1000 ms queryTimeout (the bound leaves a busy runner room).
    expect(error.message).not.toMatch(/timed out/);
    expect(ms).toBeLessThan(3000);
    await mariadb.start();
    await waitFor('queries after restart', () => users.count().then((n) => n >= 1), 20_000);
  }, 40_000);
});
