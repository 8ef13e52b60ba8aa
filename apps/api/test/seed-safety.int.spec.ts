import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_SEED_USERS_PER_REQUEST, type ApiErrorBody, type LoadTestRun } from '@rrl/contracts';
import { createTestDatabase, freePort, waitFor, type TestDatabase } from '@rrl/testing';
import { ApiProcess } from './support/api-process';

const TOKEN = 'seed-safety-token-0123456789';
const SEED_ALL = {
  iterations: 1,
  concurrency: 1,
  readRatio: 1,
  keys: { distribution: 'uniform', count: MAX_SEED_USERS_PER_REQUEST },
  seed: true,
};

/** The slowest of `n` sequential GET /health answers, ms. */
async function slowestHealth(api: ApiProcess, n: number): Promise<number> {
  let slowest = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(`${api.url}/health`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    slowest = Math.max(slowest, performance.now() - started);
  }
  return slowest;
}

/**
 * The built app seeding the largest data set one request may ask for: it keeps answering /health
 * within a second, a cancel or SIGTERM stops the seed between batches, and a larger request is a 400.
 */
function seedSafety(label: string, env: () => Record<string, string>) {
  describe(`seeding on ${label}: the API stays responsive, the seed stops on cancel and on SIGTERM`, () => {
    let api: ApiProcess;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-seed-safety-'));
      api = new ApiProcess(await freePort(), { DATA_DIR: dataDir, CHAOS_TOKEN: TOKEN, ...env() });
      await api.start();
    }, 90_000);

    afterAll(async () => {
      await api?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }, 30_000);

    it(`refuses a seed over ${MAX_SEED_USERS_PER_REQUEST} users with a 400 naming keys.count and the limit`, async () => {
      const res = await api.client.send<ApiErrorBody>('POST', '/api/loadtests', {
        ...SEED_ALL,
        keys: { distribution: 'uniform', count: MAX_SEED_USERS_PER_REQUEST + 1 },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'keys.count' }] });
      expect(res.body.message).toContain(String(MAX_SEED_USERS_PER_REQUEST));
      expect(res.body.details![0].problems.join()).toContain(String(MAX_SEED_USERS_PER_REQUEST));
    });

    it('answers /health within 1 s while seeding, and a cancel ends the seed', async () => {
      const started = await api.client.send<LoadTestRun>('POST', '/api/loadtests', SEED_ALL);
      expect(started.status).toBe(202);
      expect(started.body.phase).toBe('seeding');
      expect(await slowestHealth(api, 30)).toBeLessThan(1000);
      // Still seeding: every /health above was answered during the seed.
      expect((await api.client.get<LoadTestRun>(`/api/loadtests/${started.body.id}`)).body.phase).toBe('seeding');
      const cancelled = await api.client.send<LoadTestRun>('POST', `/api/loadtests/${started.body.id}/cancel`);
      expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    }, 60_000);

    it('SIGTERM during a seed stops it and the process exits', async () => {
      const started = await api.client.send<LoadTestRun>('POST', '/api/loadtests', SEED_ALL);
      expect(started.body.phase).toBe('seeding');
      await api.stop();
      expect(api.output).not.toMatch(/Unhandled rejection/);
      await api.start();
      const [run] = (await api.client.get<LoadTestRun[]>('/api/loadtests')).body;
      expect(run).toMatchObject({ id: started.body.id, status: 'cancelled' });
    }, 90_000);
  });
}

seedSafety('the embedded default (SQLite, managed Redis)', () => ({}));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());
seedSafety('MariaDB', () => ({
  MYSQL_HOST: db.host,
  MYSQL_PORT: String(db.port),
  MYSQL_USER: db.user,
  MYSQL_PASSWORD: db.password,
  MYSQL_DATABASE: db.database,
}));

describe('the first-start seed of the embedded default', () => {
  it('leaves /health answering and stops on SIGTERM instead of finishing first', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rrl-first-seed-'));
    const configFile = path.join(dataDir, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({ seed: { users: MAX_SEED_USERS_PER_REQUEST } }));
    const api = new ApiProcess(await freePort(), { DATA_DIR: dataDir, CONFIG_FILE: configFile, LOG_LEVEL: 'info' });
    try {
      await api.start();
      await waitFor('the seed started', () => /seeding 1000000 demo users/.test(api.output), 30_000);
      expect(await slowestHealth(api, 20)).toBeLessThan(1000);
      expect(api.output).not.toMatch(/Seeded \d+ demo users/);
      await api.stop();
      expect(api.output).toMatch(/First-start seed stopped: the API is stopping/);
    } finally {
      await api.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
