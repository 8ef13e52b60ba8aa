import { USER_FIELDS, type Page, type RedisStatus, type UserDto, type UserReadResult } from '@rrl/contracts';
import { createTestDatabase, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import { User } from '@rrl/users';
import { DataSource } from 'typeorm';
import { USER_READ_RESPONSE_SCHEMA } from '../src/http/user-read.schema';
import { startLab, type Lab } from './support/lab';
import { disagreements, shapeOfFields, shapeOfJsonSchema, shapeOfOpenApi, type Shape } from './support/schema-shape';

type Json = Record<string, unknown>;
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  components: { schemas: Record<string, Json> };
}

const FIELD_NAMES = Object.keys(USER_FIELDS).sort();

/** Each value of a user as the API sent it fits its field: the right JSON type, null only where nullable. */
function misfits(user: Record<string, unknown>): string[] {
  return Object.entries(USER_FIELDS).flatMap(([name, field]) => {
    const v = user[name];
    if (v === null) return field.nullable ? [] : [`${name}: null`];
    const fits =
      field.kind === 'integer'
        ? Number.isInteger(v)
        : field.kind === 'date-time'
          ? typeof v === 'string' && new Date(v).toISOString() === v
          : typeof v === field.kind;
    return fits ? [] : [`${name}: ${JSON.stringify(v)} is not ${field.kind}`];
  });
}

describe('the shape of a user: one field table, and every description of it agrees (real API over Redis and MariaDB)', () => {
  let redis: RedisServerProcess;
  let db: TestDatabase;
  let lab: Lab;
  let doc: OpenApiDocument;
  const fastify = () => shapeOfJsonSchema(USER_READ_RESPONSE_SCHEMA.response[200]);
  const openApi200 = (path: string) =>
    shapeOfOpenApi(doc.paths[path].get.responses['200'].content!['application/json'].schema, doc.components.schemas);

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    db = await createTestDatabase();
    lab = await startLab({ redis: { port: redis.port }, mysql: db });
    await waitFor('redis ready', async () => (await lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready');
    doc = (await lab.get<OpenApiDocument>('/docs-json')).body;
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
    await redis?.stop();
    await db?.drop();
  });

  it('the hot read: its Fastify response schema and its OpenAPI entry in /docs-json agree on every property, type and null', () => {
    const openApi = { name: 'OpenAPI GET /api/users/{id}', shape: openApi200('/api/users/{id}') };
    expect(disagreements({ name: 'Fastify schema', shape: fastify() }, openApi)).toEqual([]);
    // by-email serialises with the same Fastify schema and documents the same model.
    expect(
      disagreements({ name: 'Fastify schema', shape: fastify() }, { name: 'by-email', shape: openApi200('/api/users/by-email') }),
    ).toEqual([]);
  });

  it('the field table, the Fastify user schema and the UserResponseDto model (every users route) agree', () => {
    const table = { name: 'USER_FIELDS', shape: shapeOfFields(USER_FIELDS) };
    expect(disagreements(table, { name: 'Fastify schema', shape: fastify().properties!.user })).toEqual([]);
    const dto = { name: 'UserResponseDto', shape: shapeOfOpenApi(doc.components.schemas.UserResponseDto, doc.components.schemas) };
    expect(disagreements(table, dto)).toEqual([]);
  });

  it('the entity and the migrated MariaDB table have one column per field, nullable exactly where the field is', async () => {
    const expected = Object.entries(USER_FIELDS)
      .map(([name, f]) => `${name}${f.nullable ? '?' : ''}`)
      .sort();
    const dataSource = lab.app.get(DataSource, { strict: false });
    const entity = dataSource.getMetadata(User).columns.map((c) => `${c.propertyName}${c.isNullable ? '?' : ''}`);
    expect(entity.sort()).toEqual(expected);
    const runner = dataSource.createQueryRunner();
    try {
      const table = await runner.getTable('users');
      expect(table!.columns.map((c) => `${c.name}${c.isNullable ? '?' : ''}`).sort()).toEqual(expected);
    } finally {
      await runner.release();
    }
  });

  it('what the routes send carries every field with a fitting value, from the database and from Redis', async () => {
    const full = (
      await lab.send<UserDto>('POST', '/api/users', { name: 'Full', email: 'full@example.test', company: 'C', city: 'X', country: 'Y' })
    ).body;
    const bare = (await lab.send<UserDto>('POST', '/api/users', { name: 'Bare', email: 'bare@example.test' })).body;
    await lab.send('DELETE', '/api/cache');
    const bodies: [string, Record<string, unknown>][] = [['POST', full]];
    for (const u of [full, bare]) {
      const fromDb = await lab.get<UserReadResult>(`/api/users/${u.id}`);
      const fromRedis = await lab.get<UserReadResult>(`/api/users/${u.id}`);
      expect([fromDb.body.source, fromRedis.body.source]).toEqual(['mysql', 'redis']);
      bodies.push([`GET ${u.id} (mysql)`, fromDb.body.user], [`GET ${u.id} (redis)`, fromRedis.body.user]);
    }
    bodies.push(['by-email', (await lab.get<UserReadResult>('/api/users/by-email?email=bare@example.test')).body.user]);
    bodies.push(['list', (await lab.get<Page<UserDto>>('/api/users?pageSize=1')).body.items[0]]);
    for (const [route, user] of bodies) {
      expect({ route, fields: Object.keys(user).sort(), misfits: misfits(user) }).toEqual({ route, fields: FIELD_NAMES, misfits: [] });
    }
    expect(bodies[4][1]).toMatchObject({ company: null, city: null, country: null });
  });

  it('the comparison itself fails on a missing property, a changed type or a changed nullability', () => {
    const user = fastify().properties!.user;
    const withoutCity = Object.fromEntries(Object.entries(user.properties!).filter(([name]) => name !== 'city'));
    const drifted: Shape = {
      ...user,
      properties: {
        ...withoutCity,
        id: { type: 'number', nullable: false },
        company: { type: 'string', nullable: false },
        phone: { type: 'string', nullable: true },
      },
    };
    expect(disagreements({ name: 'A', shape: user }, { name: 'B', shape: drifted })).toEqual([
      'id: integer in A, number in B',
      'company: nullable in A, not nullable in B',
      'city: only in A',
      'phone: only in B',
    ]);
  });
});
