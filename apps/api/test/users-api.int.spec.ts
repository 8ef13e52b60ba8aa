import type { ApiErrorBody, CacheStats, Page, RedisStatus, UserDto, UserReadResult } from '@rrl/contracts';
import { waitFor, type RedisServerProcess } from '@rrl/testing';
import { startRedisLab, type Lab, type RedisLab } from './support/lab';

describe('users API over real Redis and MariaDB', () => {
  let env: RedisLab;
  let redis: RedisServerProcess;
  let lab: Lab;

  beforeAll(async () => {
    env = await startRedisLab();
    ({ redis, lab } = env);
  }, 60_000);

  afterAll(() => env?.close());

  it('reads through: first from MySQL, then from Redis, saying where and how long', async () => {
    const created = await lab.send<UserDto>('POST', '/api/users', { name: 'Ada Lovelace', email: 'ada@example.test', city: 'London' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), name: 'Ada Lovelace', email: 'ada@example.test', city: 'London' });

    await lab.send('DELETE', '/api/cache');
    const first = await lab.get<UserReadResult>(`/api/users/${created.body.id}`);
    expect(first.status).toBe(200);
    expect(first.body.source).toBe('mysql');
    expect(first.headers.get('x-cache-source')).toBe('mysql');
    expect(first.body.durationMs).toEqual(expect.any(Number));
    const second = await lab.get<UserReadResult>(`/api/users/${created.body.id}`);
    expect(second.body).toMatchObject({ source: 'redis', user: { email: 'ada@example.test' } });
  });

  it('writes through: an update is read back at once, a delete is a 404', async () => {
    const { body: u } = await lab.send<UserDto>('POST', '/api/users', { name: 'Grace', email: 'grace@example.test' });
    await lab.get(`/api/users/${u.id}`);
    const patched = await lab.send<UserDto>('PATCH', `/api/users/${u.id}`, { name: 'Grace Hopper' });
    expect(patched.status).toBe(200);
    expect((await lab.get<UserReadResult>(`/api/users/${u.id}`)).body.user.name).toBe('Grace Hopper');
    expect((await lab.send('DELETE', `/api/users/${u.id}`)).status).toBe(204);
    const gone = await lab.get<ApiErrorBody>(`/api/users/${u.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('USER_NOT_FOUND');
  });

  it('looks users up by email and lists them in pages', async () => {
    await lab.send('POST', '/api/users', { name: 'Linus', email: 'linus@example.test' });
    const found = await lab.get<UserReadResult>('/api/users/by-email?email=linus@example.test');
    expect(found.status).toBe(200);
    expect(found.body.user.name).toBe('Linus');
    const page = await lab.get<Page<UserDto>>('/api/users?page=1&pageSize=2');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(2);
  });

  it('rejects bad input with a 400 naming the field', async () => {
    const bad = await lab.send<ApiErrorBody>('POST', '/api/users', { name: '', email: 'not-an-email', role: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details?.map((d) => d.field).sort()).toEqual(['email', 'name', 'role']);
    const badId = await lab.get<ApiErrorBody>('/api/users/abc');
    expect(badId.status).toBe(400);
    expect(badId.body.details?.[0].field).toBe('id');
    const badPage = await lab.get<ApiErrorBody>('/api/users?pageSize=1000');
    expect(badPage.status).toBe(400);
    expect(badPage.body.message).toMatch(/pageSize/);
    const badJson = await lab.send<ApiErrorBody>('POST', '/api/users', '{"name": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers 409 on a duplicate email and 404 on an unknown id', async () => {
    await lab.send('POST', '/api/users', { name: 'Dup', email: 'dup@example.test' });
    const dup = await lab.send<ApiErrorBody>('POST', '/api/users', { name: 'Dup 2', email: 'dup@example.test' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('EMAIL_TAKEN');
    const missing = await lab.get<ApiErrorBody>('/api/users/987654');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'USER_NOT_FOUND', message: expect.stringContaining('987654') });
  });

  it('rejects an oversized body with a 413 JSON error', async () => {
    const res = await lab.send<ApiErrorBody>('POST', '/api/users', { name: 'x'.repeat(200_000), email: 'big@example.test' });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('warms, counts and clears the cache', async () => {
    await lab.send('DELETE', '/api/cache');
    const warm = await lab.send<{ warmed: number }>('POST', '/api/cache/warm', {});
    expect(warm.status).toBe(200);
    expect(warm.body.warmed).toBeGreaterThanOrEqual(3);
    const stats = await lab.get<CacheStats>('/api/cache/stats');
    expect(stats.body.breaker.state).toBe('closed');
    const cleared = await lab.send<{ deleted: number }>('DELETE', '/api/cache');
    expect(cleared.body.deleted).toBeGreaterThanOrEqual(warm.body.warmed);
  });

  it('reports the Redis connection and can rebuild the client on demand', async () => {
    const status = await lab.get<RedisStatus>('/api/redis/status');
    expect(status.body.state).toBe('ready');
    expect(status.body.endpoint).toContain(`127.0.0.1:${redis.port}`);
    const reset = await lab.send<{ reset: boolean }>('POST', '/api/redis/reset');
    expect(reset.status).toBe(200);
    expect(reset.body.reset).toBe(true);
    await waitFor('ready after reset', async () => (await lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready');
    const history = await lab.get<{ to: string }[]>('/api/redis/history?limit=10');
    expect(history.body.map((t) => t.to)).toContain('ready');
    expect((await lab.get('/api/redis/history?limit=0')).status).toBe(400);
  });

  it('serves health, readiness and the OpenAPI document', async () => {
    expect((await lab.get('/health')).status).toBe(200);
    const ready = await lab.get<{ status: string; info: Record<string, { status: string }> }>('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    const docs = await fetch(`${lab.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    type Operation = { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> };
    const spec = await lab.get<{ paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } }>(
      '/docs-json',
    );
    for (const p of [
      '/api/users',
      '/api/users/{id}',
      '/api/users/by-email',
      '/api/cache/warm',
      '/api/cache',
      '/api/cache/stats',
      '/api/redis/status',
      '/api/redis/history',
      '/api/redis/reset',
      '/health',
      '/health/ready',
    ]) {
      expect(spec.body.paths).toHaveProperty([p]);
    }
    // GET /api/users/:id is a native Fastify route, documented by hand next to the controller-made PATCH/DELETE.
    const byId = spec.body.paths['/api/users/{id}'];
    expect(Object.keys(byId).sort()).toEqual(['delete', 'get', 'patch']);
    const refOf = (status: string) => byId.get.responses[status]?.content?.['application/json'].schema.$ref;
    expect(refOf('200')).toBe('#/components/schemas/UserReadResultDto');
    for (const status of ['400', '404', '503']) expect(refOf(status)).toBe('#/components/schemas/ApiErrorDto');
    expect(spec.body.components.schemas).toHaveProperty(['UserReadResultDto']);
  });

  it('answers the natively served GET /api/users/:id like every other route', async () => {
    const { body: u } = await lab.send<UserDto>('POST', '/api/users', { name: 'Native', email: 'native@example.test' });
    const hit = await lab.get<UserReadResult>(`/api/users/${u.id}`);
    expect(hit.status).toBe(200);
    expect(hit.headers.get('content-type')).toMatch(/^application\/json/);
    expect(hit.body.user).toEqual(u); // the response schema keeps every field of the user
    // Errors come through the global exception filter: the same JSON body as the controllers'.
    const bad = await lab.get<ApiErrorBody>('/api/users/12abc');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body).sort()).toEqual(['code', 'details', 'message', 'statusCode']); // not Fastify's default error body
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'id' }] });
    const empty = await lab.get<ApiErrorBody>('/api/users/');
    expect(empty.status).toBe(404);
    expect(empty.body.code).toBe('NOT_FOUND');
    const head = await fetch(`${lab.url}/api/users/${u.id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-cache-source')).toMatch(/^(redis|mysql)$/);
  });
});
