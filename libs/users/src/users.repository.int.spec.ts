import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { AppConfigModule, loadConfig } from '@rrl/config';
import { type AppError } from '@rrl/contracts';
import { createTestDatabase, type TestDatabase } from '@rrl/testing';
import type { DataSource } from 'typeorm';
import { DatabaseConnectionService, DatabaseModule } from '@rrl/database';
import { seedUser, seedUsers } from './seed';
import { UsersModule } from './users.module';
import { USERS_SCHEMA } from './users.schema';
import { UsersRepository } from './users.repository';

type Driver = 'sqlite' | 'mysql';

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a rejection');
}

describe.each<Driver>(['sqlite', 'mysql'])('UsersRepository on %s', (driver) => {
  let db: TestDatabase | undefined;
  let app: TestingModule;
  let users: UsersRepository;
  let dataSource: DataSource;

  beforeAll(async () => {
    if (driver === 'mysql') db = await createTestDatabase();
    const config = loadConfig({
      env: {},
      overrides: db
        ? { mysql: { host: db.host, port: db.port, user: db.user, password: db.password, database: db.database } }
        : { sqlite: { file: ':memory:' } },
    });
    app = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot({ config }), DatabaseModule.forRoot({ schemas: [USERS_SCHEMA] }), UsersModule.forRoot()],
    }).compile();
    app.useLogger(false);
    await app.init();
    await app.get(DatabaseConnectionService).whenConnected(20_000);
    users = app.get(UsersRepository);
    dataSource = app.get(getDataSourceToken());
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('creates a user with defaults and reads it back by id and email with ISO dates', async () => {
    const created = await users.create({ name: 'Ada Lovelace', email: 'ada@example.test' });
    expect(created).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.test',
      company: null,
      city: null,
      country: null,
      active: true,
    });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(await users.findById(created.id)).toEqual(created);
    expect(await users.findByEmail('ada@example.test')).toEqual(created);
  });

  it('answers 409 EMAIL_TAKEN for a duplicate email, on create and on update', async () => {
    const other = await users.create({ name: 'Alan', email: 'alan@example.test' });
    expect(await rejection(users.create({ name: 'Ada again', email: 'ada@example.test' }))).toMatchObject({
      code: 'EMAIL_TAKEN',
      statusCode: 409,
    });
    expect(await rejection(users.update(other.id, { email: 'ada@example.test' }))).toMatchObject({ code: 'EMAIL_TAKEN', statusCode: 409 });
  });

  it('updates only the given fields and 404s unknown ids', async () => {
    const u = await users.create({ name: 'Grace', email: 'grace@example.test', city: 'Arlington' });
    const updated = await users.update(u.id, { company: 'US Navy', active: false });
    expect(updated).toMatchObject({ id: u.id, name: 'Grace', city: 'Arlington', company: 'US Navy', active: false });
    // The same values again still count as "found" (no spurious 404 on a no-op update).
    expect(await users.update(u.id, { company: 'US Navy' })).toMatchObject({ company: 'US Navy' });
    expect(await users.findById(999_999)).toBeNull();
    expect(await rejection(users.update(999_999, { name: 'x' }))).toMatchObject({ code: 'USER_NOT_FOUND', statusCode: 404 });
    expect(await rejection(users.delete(999_999))).toMatchObject({ code: 'USER_NOT_FOUND', statusCode: 404 });
    await users.delete(u.id);
    expect(await users.findById(u.id)).toBeNull();
  });

  it('seeds deterministic users idempotently, then pages and iterates over them', async () => {
    const before = await users.count();
    const progress: number[] = [];
    const first = await seedUsers(dataSource, { count: 2500, batchSize: 1000, onProgress: (p) => progress.push(p.done) });
    expect(first).toMatchObject({ done: 2500, inserted: 2500, skipped: 0 });
    expect(progress).toEqual([1000, 2000, 2500]);
    const again = await seedUsers(dataSource, { count: 3000, batchSize: 1000 });
    expect(again).toMatchObject({ inserted: 500, skipped: 2500 });
    expect(await users.count()).toBe(before + 3000);

    expect(await users.findByEmail('user7@example.test')).toMatchObject({ ...seedUser(7) });

    const page = await users.findPage(2, 10);
    expect(page).toMatchObject({ page: 2, pageSize: 10, total: before + 3000 });
    expect(page.items).toHaveLength(10);

    const ids: number[] = [];
    for await (const batch of users.iterateBatches({ batchSize: 700 })) ids.push(...batch.map((u) => u.id));
    expect(ids).toHaveLength(before + 3000);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const range = await users.findRange(ids[10], ids[20], 5);
    expect(range.map((u) => u.id)).toEqual(ids.slice(10, 15));
  });

  it('pings the database', async () => {
    expect(await app.get(DatabaseConnectionService).ping(1000)).toMatchObject({ up: true });
  });
});
