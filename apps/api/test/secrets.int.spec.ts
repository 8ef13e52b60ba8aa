import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RedisStatus } from '@rrl/contracts';
import { freePort, RedisServerProcess } from '@rrl/testing';
import { ApiProcess } from './support/api-process';

/** A base64-style secret, with the characters that broke URL parsing. */
const SLASHY = 'q/Zx#9k?w@Yb+e/T==';

describe('the built API and its secrets', () => {
  let redis: RedisServerProcess;
  const dirs: string[] = [];
  const apiWith = async (env: Record<string, string>) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-secrets-'));
    dirs.push(dataDir);
    return new ApiProcess(await freePort(), { DATA_DIR: dataDir, SEED_ON_FIRST_START: 'false', ...env });
  };

  beforeAll(async () => {
    redis = await RedisServerProcess.start({ password: SLASHY });
  });
  afterAll(async () => {
    await redis?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['as it is', SLASHY],
    ['percent-encoded', encodeURIComponent(SLASHY)],
  ])(
    'a REDIS_URL whose password holds "/", "#", "?" and "@" connects, the password written %s',
    async (_label, written) => {
      const api = await apiWith({ REDIS_URL: `redis://:${written}@127.0.0.1:${redis.port}/2` });
      try {
        await api.start();
        const { body } = await api.client.get<RedisStatus>('/api/redis/status');
        expect(body).toMatchObject({ state: 'ready', endpoint: `redis://127.0.0.1:${redis.port}/2` });
        expect(api.output).not.toContain(SLASHY);
      } finally {
        await api.stop();
      }
    },
    60_000,
  );

  it('a REDIS_URL that does not parse stops the boot naming the variable, never printing the password', async () => {
    const api = await apiWith({ REDIS_URL: `redis://app:${SLASHY}@127.0.0.1:99999/0` });
    expect(await api.runToExit()).toBe(1);
    expect(api.output).toMatch(/redis\.url \(from REDIS_URL\): port out of range: redis:\/\/app:\*\*\*@127\.0\.0\.1:99999\/0/);
    expect(api.output).not.toContain(SLASHY);
    expect(api.output).not.toContain(encodeURIComponent(SLASHY));
  }, 30_000);

  it('no configured secret reaches stdout, stderr or an error body, even when a request carries one', async () => {
    const secrets = {
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret-4f1d9',
      MYSQL_PASSWORD: 'mysql-secret-8c2e7',
      CHAOS_TOKEN: 'chaos-secret-token-5b3a0c',
    };
    const redisPassword = 'RedisSecret7d41';
    await redis.setPassword(redisPassword);
    const api = await apiWith({
      ...secrets,
      REDIS_URL: `redis://:${redisPassword}@127.0.0.1:${redis.port}`,
      LOG_LEVEL: 'debug',
    });
    try {
      await api.start();
      const all = [redisPassword, ...Object.values(secrets)];
      for (const secret of all) {
        // Request lines are logged for every 4xx: a secret pasted into a URL is the likeliest leak.
        for (const route of [`/api/users/${secret}`, `/api/nope?token=${secret}`, `/api/loadtests?token=${secret}`]) {
          const res = await fetch(api.url + route);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(await res.text()).not.toContain(secret);
        }
      }
      await api.stop();
      expect(api.output).toContain('***');
      for (const secret of all) expect(api.output).not.toContain(secret);
    } finally {
      await api.stop();
      await redis.setPassword(SLASHY);
    }
  }, 60_000);
});
