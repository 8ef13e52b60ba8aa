import net from 'node:net';
import type { ChaosRun, ChaosTargetsResponse, LoadTestRun } from '@rrl/contracts';
import { createTestDatabase, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiUnderTest, CHAOS_TOKEN } from './support/api-under-test';
import { collectPageErrors, LAPTOP, launchChromium, PHONE, screenshot } from './support/browser';

/**
 * The dashboard end to end in real headless Chromium, against the real API (in this process), a
 * real redis-server (a chaos target) and a real MariaDB database, all started here.
 */
describe('dashboard in Chromium', () => {
  let redis: RedisServerProcess;
  let db: TestDatabase;
  let api: ApiUnderTest;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  const chaosApi = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${CHAOS_TOKEN}` } })).json()) as T;
  const text = async (testId: string) => (await page.getByTestId(testId).first().textContent())?.trim() ?? '';
  /** Polls the page (no reload) until `check` holds. */
  const until = (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => waitFor(what, check, timeoutMs, 100);

  /** Makes the redis-server write a log line ("DB saved on disk") by sending it SAVE. */
  const redisSave = () =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect(redis.port, '127.0.0.1', () => socket.write('SAVE\r\n'));
      socket.once('data', () => (socket.end(), resolve()));
      socket.once('error', reject);
    });
  const notReloaded = () => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    db = await createTestDatabase();
    api = await ApiUnderTest.create(redis, db, 500);
    await api.start();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: LAPTOP });
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await redis?.stop();
    await db?.drop();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  it('opens the overview', async () => {
    await page.goto(api.url);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Chaos' }).waitFor();
    // The feed's hello makes the badges right at once.
    await until('redis badge', async () => (await text('redis-state')) === 'ready');
    expect(await text('breaker-state')).toBe('closed');
    expect(await text('redis-endpoint')).toContain(String(redis.port));
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
  }, 30_000);

  it('looks a user up twice: the database first, then Redis; an edit reads back from Redis with the new value', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('User id or email').fill('7');
    await page.getByRole('button', { name: 'Look up' }).click();
    await until('first read', async () => (await page.getByTestId('lookup-source').count()) === 1);
    expect(await text('lookup-source')).toBe('MySQL');
    await page.getByRole('button', { name: 'Look up' }).click();
    await until('second read', async () => (await page.getByTestId('lookup-source').count()) === 2);
    // Newest first.
    expect(await text('lookup-source')).toBe('Redis');

    await page.getByRole('button', { name: 'Edit #7' }).first().click();
    await page.getByLabel('name', { exact: true }).fill('Edited In Chromium');
    await page.getByRole('button', { name: 'Save and read again' }).click();
    await page.getByTestId('editor-note').getByText('served by Redis with the new value').waitFor();
    expect(await page.getByTestId('lookup-results').locator('tbody tr').first().textContent()).toContain('Edited In Chromium');
    await screenshot(page, 'users-1280');

    // Warming and flushing are operator routes: the card asks for the token once for the whole tab.
    await page.getByLabel('Chaos token', { exact: true }).fill(CHAOS_TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    expect(page.url()).not.toContain(CHAOS_TOKEN);
    await page.getByRole('button', { name: 'Warm the cache' }).click();
    await page.getByText('Warmed: 500 of 500 users').waitFor();
    await page.getByRole('button', { name: 'Flush the cache' }).click();
    await page.getByText(/Flushed: [\d,]+ keys deleted/).waitFor();
  }, 30_000);

  it('a wrong lookup shows the API message where it happened', async () => {
    await page.getByLabel('User id or email').fill('999999');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page
      .getByRole('alert')
      .getByText(/Lookup: .*999999.*\(404 USER_NOT_FOUND\)/)
      .waitFor();
  }, 30_000);

  it('keeps the token given on the Users page and stops a running restart scenario with the stop button', async () => {
    await page.getByRole('link', { name: 'Chaos' }).click();
    await page.getByLabel('scenario', { exact: true }).selectOption('restart');
    // The enhanced restart's 45 s default, from the scenario's JSON Schema.
    expect(await page.getByLabel('downtime (ms)', { exact: true }).inputValue()).toBe('45000');
    await page.getByRole('button', { name: 'Start restart' }).click();
    await page.getByRole('button', { name: 'STOP' }).waitFor();
    await screenshot(page, 'chaos-running-1280');
    await page.getByRole('button', { name: 'STOP' }).click();
    await page.getByRole('heading', { name: /Last run: restart/ }).waitFor({ timeout: 20_000 });
    expect(await text('run-status')).toMatch(/Status cancelled/);
    const targets = await chaosApi<ChaosTargetsResponse>('/api/chaos/targets');
    expect(targets.targets.find((t) => t.kind === 'redis')?.state).toBe('running');
    const [last] = await chaosApi<ChaosRun[]>('/api/chaos/runs');
    expect(last).toMatchObject({ scenario: 'restart', status: 'cancelled' });
  }, 60_000);

  it('runs a crash from the Chaos page: the badge goes down and comes back, and the outage is on the chart, without a reload', async () => {
    await page.getByRole('link', { name: 'Chaos' }).click();
    await page.getByLabel('scenario', { exact: true }).selectOption('crash');
    await page.getByLabel('downtime (ms)', { exact: true }).fill('3000');
    await page.getByRole('button', { name: 'Start crash' }).click();
    await until('badge down', async () => (await text('redis-state')) !== 'ready', 15_000);
    await screenshot(page, 'chaos-crash-1280');
    await until('badge back', async () => (await text('redis-state')) === 'ready', 30_000);
    await page.getByRole('heading', { name: /Last run: crash/ }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('list', { name: 'Timeline of crash' }).textContent()).toMatch(/action.*target-back/s);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Overview' }).click();
    await until('outage on the chart', async () => /Redis outages in the last 5 min: \d/.test(await text('fault-summary')));
    expect(await text('fault-summary')).toMatch(/chaos: crash started/);
    expect(await page.getByTestId('reconnect-attempts').locator('li').count()).toBeGreaterThan(0);
    expect(await notReloaded()).toBe(true);
    await screenshot(page, 'overview-after-crash-1280');
  }, 90_000);

  it('tails the Redis log live', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Logs' }).click();
    const target = page.getByLabel('target', { exact: true });
    await until('a redis target chosen', async () => /redis/.test(await target.inputValue()));
    await redisSave();
    await until('Redis log line', async () => /DB saved on disk/.test((await page.getByTestId('log-lines').textContent()) ?? ''), 20_000);
    await screenshot(page, 'logs-live-1280');
  }, 60_000);

  it('starts a short loop test from the Loop test page and watches it reach 100 %', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Loop test' }).click();
    await page.getByLabel('iterations', { exact: true }).fill('20000');
    await page.getByLabel('concurrency', { exact: true }).fill('16');
    await page.getByLabel('distinct keys', { exact: true }).fill('200');
    await page.getByRole('button', { name: 'Start the loop test' }).click();
    await until('progress shown', async () => (await page.getByTestId('loadtest-percent').count()) === 1);
    // How fast the loop runs is the machine's business (seconds idle, minutes on a crowded runner);
    // the page's is to follow it. So: wait for the run to end on the API, then for the page to show
    // it, pushed by the live feed.
    await until(
      'the run completed on the API',
      async () => (await chaosApi<LoadTestRun[]>('/api/loadtests'))[0]?.status === 'completed',
      180_000,
    );
    await until('100 %', async () => (await text('loadtest-percent')) === '100 %');
    await page.getByRole('heading', { name: /Last loop test: completed/ }).waitFor();
    // The feed's "ended" refetches the history: the run is there, complete, without a reload.
    const newest = page.getByRole('region', { name: 'History' }).locator('tbody tr').first();
    await until('the run in the history', async () => /completed/.test((await newest.textContent()) ?? ''));
    expect(await newest.textContent()).toContain('20,000 / 20,000');
    const [run] = await chaosApi<LoadTestRun[]>('/api/loadtests');
    expect(run).toMatchObject({ status: 'completed', request: { iterations: 20_000, concurrency: 16 }, progress: { done: 20_000 } });
    await screenshot(page, 'loadtest-done-1280');
    expect(await notReloaded()).toBe(true);
  }, 240_000);

  it('recovers by itself after an API restart', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Overview' }).click();
    await api.stop();
    await page.getByTestId('feed-banner').getByText('Live feed offline').waitFor({ timeout: 20_000 });
    await screenshot(page, 'overview-api-down-1280');
    await api.start();
    await page.getByTestId('feed-banner').waitFor({ state: 'detached', timeout: 30_000 });
    await until('badge right again', async () => (await text('redis-state')) === 'ready');
    expect(await notReloaded()).toBe(true);
  }, 90_000);

  it('serves client routes on reload (history fallback) and keeps the token for the session only', async () => {
    await page.goto(`${api.url}/chaos`);
    await page.getByRole('heading', { name: 'Targets' }).waitFor();
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('rrl.chaosToken'), local: localStorage.length }));
    expect(stored).toEqual({ session: CHAOS_TOKEN, local: 0 });
    const api404 = await fetch(`${api.url}/api/nope`, { headers: { accept: 'text/html' } });
    expect(api404.status).toBe(404);
    expect(await api404.json()).toMatchObject({ code: 'NOT_FOUND' });
  }, 30_000);

  it('takes a screenshot of every page at 1280×800 and 390 px wide', async () => {
    const pages = ['', 'users', 'chaos', 'loadtest', 'logs', 'connection'];
    for (const viewport of [LAPTOP, PHONE]) {
      await page.setViewportSize(viewport);
      for (const p of pages) {
        await page.goto(`${api.url}/${p}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await screenshot(page, `${p || 'overview'}-${viewport.width}`);
        // Nothing sticks out sideways on a phone.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect({ page: p, overflow }).toEqual({ page: p, overflow: 0 });
      }
    }
    await page.setViewportSize(LAPTOP);
  }, 90_000);
});
