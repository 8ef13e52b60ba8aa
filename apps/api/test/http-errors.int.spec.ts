import type { ApiErrorBody, ChaosRun, ClearResult, RedisResetResult, WarmResult } from '@rrl/contracts';
import { redisReady } from './support/lab';
import { auth, startRedisChaosLab, startScenario, type RedisChaosLab } from './support/chaos-lab';

/** A request the way fetch sends it, returning the raw text too (to prove no FST_ code leaks). */
async function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: ApiErrorBody; text: string }> {
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as ApiErrorBody, text };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('HTTP errors and body-less requests, over real Redis and MariaDB', () => {
  let env: RedisChaosLab;
  let url: string;

  beforeAll(async () => {
    env = await startRedisChaosLab({ users: 3, tag: 'http' });
    url = env.lab.url;
  }, 60_000);

  afterAll(() => env?.close());

  /** Our error body and nothing of Fastify's: no FST_ code, no "error" field. */
  function expectApiError(res: { status: number; body: ApiErrorBody; text: string }, status: number, code: string): void {
    expect({ status: res.status, code: res.body.code, statusCode: res.body.statusCode }).toEqual({ status, code, statusCode: status });
    expect(res.text).not.toContain('FST_');
    expect(Object.keys(res.body).every((k) => ['statusCode', 'code', 'message', 'details'].includes(k))).toBe(true);
  }

  it('an over-long path parameter is a 400 VALIDATION_FAILED on the native read and on controller routes', async () => {
    for (const path of [`/api/users/${'1'.repeat(101)}`, `/api/users/${'9'.repeat(101)}`, `/api/chaos/runs/${'r'.repeat(101)}`]) {
      const res = await request(url + path, 'GET', auth);
      expectApiError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toBe('A path parameter is longer than 100 characters');
      expect(res.body.details).toEqual([{ field: '(path)', problems: [expect.stringContaining('100')] }]);
    }
    // One character less is routed: the hot read's own id check answers.
    const routed = await request(`${url}/api/users/${'1'.repeat(100)}`, 'GET', {});
    expectApiError(routed, 400, 'VALIDATION_FAILED');
    expect(routed.body.details).toEqual([{ field: 'id', problems: ['must be a positive integer'] }]);
  });

  it('a malformed percent-encoding in the path is a 400 VALIDATION_FAILED', async () => {
    for (const path of ['/api/users/%E0%A4%A', '/api/chaos/runs/%zz']) {
      const res = await request(url + path, 'GET', auth);
      expectApiError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.message).toMatch(/not a valid URL/);
    }
  });

  it('body problems get our codes: unsupported media type 415, too large 413, invalid JSON 400', async () => {
    for (const type of ['text/plain', 'application/xml']) {
      const media = await request(`${url}/api/users`, 'POST', { 'content-type': type }, '<user name="Ada"/>');
      expectApiError(media, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(media.body.message).toBe(`Content-Type ${type} is not supported: send application/json`);
    }

    const large = await request(`${url}/api/users`, 'POST', JSON_HEADERS, JSON.stringify({ name: 'x'.repeat(70_000) }));
    expectApiError(large, 413, 'PAYLOAD_TOO_LARGE');
    expect(large.body.message).toBe(`Request body is larger than the limit of ${env.lab.config.bodyLimitBytes} bytes`);

    for (const body of ['{"name": ', '{"__proto__": {"x": 1}}']) {
      const invalid = await request(`${url}/api/users`, 'POST', JSON_HEADERS, body);
      expectApiError(invalid, 400, 'VALIDATION_FAILED');
      expect(invalid.body).toMatchObject({ message: 'Request body is not valid JSON', details: [{ field: '(body)' }] });
    }
  });

  it('an empty JSON body on a route that needs one is a 400 naming the missing fields', async () => {
    const res = await request(`${url}/api/users`, 'POST', JSON_HEADERS);
    expectApiError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details?.map((d) => d.field).sort()).toEqual(['email', 'name']);
    const scenario = await request(`${url}/api/chaos/scenarios/pause`, 'POST', { ...auth, ...JSON_HEADERS });
    expectApiError(scenario, 400, 'VALIDATION_FAILED');
    expect(scenario.body.details?.map((d) => d.field)).toEqual(['target']);
  });

  it('routes that take no body do their job when sent content-type: application/json and no body', async () => {
    const reset = await request(`${url}/api/redis/reset`, 'POST', { ...auth, ...JSON_HEADERS });
    expect(reset.status).toBe(200);
    expect((reset.body as unknown as RedisResetResult).reset).toBe(true);
    // The reset answers once the new client exists; warming needs it connected.
    await redisReady(env.lab);

    const warm = await request(`${url}/api/cache/warm`, 'POST', { ...auth, ...JSON_HEADERS });
    expect(warm.status).toBe(200);
    expect((warm.body as unknown as WarmResult).warmed).toBe(env.ids.length);

    const clear = await request(`${url}/api/cache`, 'DELETE', { ...auth, ...JSON_HEADERS });
    expect(clear.status).toBe(200);
    expect((clear.body as unknown as ClearResult).deleted).toBeGreaterThanOrEqual(env.ids.length);

    const unknown = await request(`${url}/api/chaos/runs/no-such-run/cancel`, 'POST', { ...auth, ...JSON_HEADERS });
    expectApiError(unknown, 404, 'NOT_FOUND');
    expect(unknown.body.message).toContain('no-such-run');

    const started = await startScenario(env.lab, 'pause', { target: env.target, durationMs: 30_000 });
    expect(started.status).toBe(202);
    const cancelled = await request(`${url}/api/chaos/runs/${started.body.id}/cancel`, 'POST', { ...auth, ...JSON_HEADERS });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body as unknown as ChaosRun).toMatchObject({ id: started.body.id, status: 'cancelled' });
    expect(env.redis.state).toBe('running');
  }, 30_000);

  it('POST /api/cache/warm rejects an inverted id range with a 400 naming both fields, and accepts a one-id range', async () => {
    const inverted = await request(`${url}/api/cache/warm`, 'POST', { ...auth, ...JSON_HEADERS }, JSON.stringify({ fromId: 10, toId: 1 }));
    expectApiError(inverted, 400, 'VALIDATION_FAILED');
    expect(inverted.body.details).toEqual([{ field: 'toId', problems: ['toId must not be less than fromId: 10..1 is an empty range'] }]);
    expect(inverted.body.message).toMatch(/fromId/);

    const [id] = env.ids;
    const one = await request(`${url}/api/cache/warm`, 'POST', { ...auth, ...JSON_HEADERS }, JSON.stringify({ fromId: id, toId: id }));
    expect(one.status).toBe(200);
    expect((one.body as unknown as WarmResult).warmed).toBe(1);
  });
});
