import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { ApiErrorBody, Page, RedisStatus, UserDto } from '@rrl/contracts';
import { freePort, RedisServerProcess, waitFor } from '@rrl/testing';
import { chromium } from 'playwright-core';
import { ApiProcess, startBuiltApiOnRedis, type BuiltApiOnRedis } from './support/api-process';

const TOKEN = 'operator-access-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };

/** Local addresses with a listening TCP socket on `port` (from /proc/net/tcp: what the kernel really bound). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A')
    .map((cols) => {
      const hex = cols[1].split(':')[0];
      return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
    });
}

describe('the built API: operator routes behind the token, open user routes, JSON bodies only, dashboard headers', () => {
  let lab: BuiltApiOnRedis;
  let api: ApiProcess;
  let userId: number;

  beforeAll(async () => {
    lab = await startBuiltApiOnRedis('operator', { CHAOS_TOKEN: TOKEN });
    api = lab.api;
    const created = await api.client.send<UserDto>('POST', '/api/users', { name: 'Operator Test', email: 'operator@example.test' });
    expect(created.status).toBe(201);
    userId = created.body.id;
  }, 60_000);

  afterAll(() => lab?.close(), 30_000);

  const call = async (method: string, route: string, headers: Record<string, string> = {}, body?: string) => {
    const res = await fetch(api.url + route, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as ApiErrorBody };
  };

  it('every operator route is a 401 JSON error without the token and does its job with it', async () => {
    const json = { 'content-type': 'application/json' };
    const routes: [string, string, string | undefined, number][] = [
      ['GET', '/api/loadtests', undefined, 200],
      ['POST', '/api/loadtests', '{}', 400],
      ['GET', '/api/loadtests/no-such-run', undefined, 404],
      ['POST', '/api/loadtests/no-such-run/cancel', undefined, 404],
      ['POST', '/api/cache/warm', '{}', 200],
      ['DELETE', '/api/cache', undefined, 200],
      ['POST', '/api/redis/reset', undefined, 200],
      ['GET', '/api/chaos/targets', undefined, 200],
      ['GET', '/api/chaos/scenarios', undefined, 200],
      ['GET', '/api/chaos/runs', undefined, 200],
      ['POST', '/api/chaos/scenarios/crash', '{}', 400],
    ];
    for (const [method, route, body, withToken] of routes) {
      const headers = body ? json : {};
      const anonymous = await call(method, route, headers, body);
      expect({ route, status: anonymous.status, code: anonymous.body.code }).toEqual({ route, status: 401, code: 'UNAUTHORIZED' });
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const operator = await call(method, route, { ...headers, ...AUTH }, body);
      expect({ route, status: operator.status }).toEqual({ route, status: withToken });
    }
  }, 30_000);

  it('the demo app and the probes stay open', async () => {
    const open: [string, string, unknown, number][] = [
      ['GET', '/api/users', undefined, 200],
      ['GET', `/api/users/${userId}`, undefined, 200],
      ['GET', '/api/users/by-email?email=operator%40example.test', undefined, 200],
      ['PATCH', `/api/users/${userId}`, { city: 'Porto' }, 200],
      ['GET', '/api/cache/stats', undefined, 200],
      ['GET', '/api/redis/status', undefined, 200],
      ['GET', '/health', undefined, 200],
      ['GET', '/health/ready', undefined, 200],
      ['GET', '/metrics', undefined, 200],
      ['GET', '/docs', undefined, 200],
    ];
    for (const [method, route, body, status] of open) {
      const res = await fetch(api.url + route, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      expect({ route, status: res.status }).toEqual({ route, status });
    }
    const created = await api.client.send<UserDto>('POST', '/api/users', { name: 'Open Route', email: 'open@example.test' });
    expect(created.status).toBe(201);
    expect((await fetch(`${api.url}/api/users/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('2000 wrong tokens on one socket are answered 429 after the first few; another client keeps its access', async () => {
    // From 127.0.0.2 (loopback too): the limiter counts per client IP, so the operator on 127.0.0.1 is not locked out.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.2' });
    const statuses = new Map<number, number>();
    const sockets = new Set<unknown>();
    try {
      for (let i = 0; i < 2000; i++) {
        const { status, body, retryAfter } = await new Promise<{ status: number; body: ApiErrorBody; retryAfter?: string }>(
          (resolve, reject) => {
            const req = http.get(`${api.url}/api/loadtests`, { agent, headers: { authorization: `Bearer guess-${i}` } }, (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () =>
                resolve({ status: res.statusCode!, body: JSON.parse(text) as ApiErrorBody, retryAfter: res.headers['retry-after'] }),
              );
            });
            req.on('socket', (socket) => sockets.add(socket));
            req.on('error', reject);
          },
        );
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 429) {
          expect(body.code).toBe('TOO_MANY_ATTEMPTS');
          expect(Number(retryAfter)).toBeGreaterThan(0);
        }
      }
    } finally {
      agent.destroy();
    }
    expect(sockets.size).toBe(1);
    expect(statuses.get(401)).toBeLessThanOrEqual(10);
    expect(statuses.get(429)).toBeGreaterThanOrEqual(1990);
    expect((await call('GET', '/api/loadtests', AUTH)).status).toBe(200);
  }, 120_000);

  it('accepts only JSON bodies: form, multipart and text bodies are a 415 JSON error, and create nothing', async () => {
    const form = await call(
      'POST',
      '/api/users',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'name=Mallory&email=m%40evil.test',
    );
    expect(form).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    const multipart = new FormData();
    multipart.set('name', 'Mallory');
    multipart.set('email', 'm@evil.test');
    const mp = await fetch(`${api.url}/api/users`, { method: 'POST', body: multipart });
    expect(mp.status).toBe(415);
    expect(((await mp.json()) as ApiErrorBody).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const text = await call('POST', '/api/users', { 'content-type': 'text/plain' }, '{"name":"Mallory","email":"m@evil.test"}');
    expect(text.status).toBe(415);
    // A body-less form post (what <form method=post> with no fields sends) is a 415 too, even with the token.
    const empty = await call('POST', '/api/redis/reset', { 'content-type': 'application/x-www-form-urlencoded', ...AUTH });
    expect(empty).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    const users = await api.client.get<Page<UserDto>>('/api/users?pageSize=100');
    expect(users.body.items.map((u) => u.email)).not.toContain('m@evil.test');
  });

  it('a real form on another site cannot create a user or reset Redis, and the dashboard carries CSP and X-Frame-Options', async () => {
    // The attacker's page, on another origin: two forms posted by the browser itself (no script involved in the request).
    const evilPort = await freePort();
    const evil = http
      .createServer((req, res) => {
        const target = req.url === '/reset' ? `${api.url}/api/redis/reset` : `${api.url}/api/users`;
        const fields = req.url === '/reset' ? '' : '<input name="name" value="Mallory"><input name="email" value="form@evil.test">';
        res.setHeader('content-type', 'text/html');
        res.end(`<form id="f" method="post" action="${target}">${fields}</form><script>document.getElementById('f').submit()</script>`);
      })
      .listen(evilPort, '127.0.0.1');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const resets = async () => (await api.client.get<RedisStatus>('/api/redis/status')).body.stats.forcedResets;
      const resetsBefore = await resets();
      for (const route of ['/create', '/reset']) {
        const answered = page.waitForResponse((r) => r.url().startsWith(api.url));
        await page.goto(`http://127.0.0.1:${evilPort}${route}`);
        const response = await answered;
        expect({ route, status: response.status() }).toEqual({ route, status: 415 });
      }
      const users = await api.client.get<Page<UserDto>>('/api/users?pageSize=100');
      expect(users.body.items.map((u) => u.email)).not.toContain('form@evil.test');
      expect(await resets()).toBe(resetsBefore);

      // The dashboard: its page and assets carry the headers, and the page runs under them (no violation).
      const violations: string[] = [];
      page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
      const index = await page.goto(api.url);
      expect(index!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(index!.headers()['x-frame-options']).toBe('DENY');
      await page.getByRole('navigation', { name: 'Pages' }).waitFor();
      await waitFor('the live feed open', async () => (await page.getByTestId('redis-state').first().textContent())?.trim() === 'ready');
      expect(violations).toEqual([]);
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(api.url)).text())![1];
      const assetRes = await fetch(api.url + asset);
      expect(assetRes.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(assetRes.headers.get('x-frame-options')).toBe('DENY');
      // Scoped to the dashboard: the JSON API answers without them.
      const json = await fetch(`${api.url}/api/users/${userId}`);
      expect(json.headers.get('content-security-policy')).toBeNull();
      expect(json.headers.get('x-frame-options')).toBeNull();
    } finally {
      await browser.close();
      evil.close();
    }
  }, 60_000);
});

describe('the built API listens where HOST says, 127.0.0.1 unless set, and its log says the real address', () => {
  let redis: RedisServerProcess;
  beforeAll(async () => {
    redis = await RedisServerProcess.start();
  });
  afterAll(() => redis?.stop());

  it.each([
    ['unset', '127.0.0.1', ''],
    ['0.0.0.0', '0.0.0.0', '0.0.0.0'],
  ])(
    'HOST %s: bound to %s',
    async (_label, bound, host) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-host-'));
      const port = await freePort();
      // HOST '' is no HOST at all for the config (empty values are ignored): the default applies.
      const api = new ApiProcess(port, {
        DATA_DIR: dataDir,
        HOST: host,
        LOG_LEVEL: 'info',
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(redis.port),
      });
      try {
        await api.start();
        await waitFor('the listening line', () => /Listening on http/.test(api.output), 10_000);
        expect(api.output).toContain(`Listening on http://${bound}:${port} `);
        expect(listeningAddresses(port)).toEqual([bound]);
      } finally {
        await api.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});

describe('a configured CHAOS_TOKEN shorter than 16 characters', () => {
  it('stops the boot with a config error naming the variable and the minimum, without printing the token', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-short-token-'));
    const api = new ApiProcess(await freePort(), { DATA_DIR: dataDir, CHAOS_TOKEN: 'short-secret' });
    try {
      expect(await api.runToExit()).toBe(1);
      expect(api.output).toMatch(/chaos\.token \(from CHAOS_TOKEN\): must be at least 16 characters/);
      expect(api.output).not.toContain('short-secret');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
