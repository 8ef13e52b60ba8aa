import type { ChaosRun, ChaosTargetsResponse } from '@rrl/contracts';
import { createTestDatabase, MariaDbProcess, RedisServerProcess, waitFor, type TestDatabase } from '@rrl/testing';
import type { Browser, Page } from 'playwright-core';
import { ApiUnderTest, CHAOS_TOKEN } from './support/api-under-test';
import { collectPageErrors, LAPTOP, launchChromium, PHONE, screenshot } from './support/browser';

/**
 * The charts' refresh interval and time window in real Chromium, against the real API, its own
 * redis-server (a chaos target) and its own mariadbd: the controls act without a reload, and a 45 s
 * Redis restart fits the 5-minute window from its start to its recovery.
 */
describe('dashboard refresh interval and time window in Chromium', () => {
  let redis: RedisServerProcess;
  let mariadb: MariaDbProcess;
  let db: TestDatabase;
  let api: ApiUnderTest;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  /** When each `metrics` frame reached the page (ms), and the sizes of the `history` answers. */
  const ticks: number[] = [];
  const histories: number[] = [];

  const text = async (testId: string) => (await page.getByTestId(testId).first().textContent())?.trim() ?? '';
  /** Polls the page until `check` holds; a timeout says what the legend and badge showed. */
  const until = (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) =>
    waitFor(what, check, timeoutMs, 100).catch(async (e: Error) => {
      throw new Error(`${e.message} (legend: "${await text('fault-summary')}", Redis: ${await text('redis-state')})`);
    });
  const ticksIn = async (ms: number) => {
    const from = Date.now();
    await new Promise((r) => setTimeout(r, ms)); // a span to count frames over, not a wait for a condition
    return ticks.filter((t) => t >= from).length;
  };
  const notReloaded = () => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);
  const chaos = (path: string, init: RequestInit = {}) =>
    fetch(`${api.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${CHAOS_TOKEN}`, 'content-type': 'application/json', ...init.headers },
    });

  beforeAll(async () => {
    [redis, mariadb] = await Promise.all([RedisServerProcess.start(), MariaDbProcess.start()]);
    db = await createTestDatabase({ port: mariadb.port });
    api = await ApiUnderTest.create(redis, db, 200);
    await api.start();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: LAPTOP });
    // An operator's page: chaos-run messages (the markers) go to token holders only.
    await context.addInitScript((token) => sessionStorage.setItem('rrl.chaosToken', token), CHAOS_TOKEN);
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; data: { points?: unknown[] } };
        if (message.type === 'metrics') ticks.push(Date.now());
        if (message.type === 'history') histories.push(message.data.points?.length ?? 0);
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await redis?.stop();
    await db?.drop();
    await mariadb?.stop();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  it('changes the refresh interval and the time window without a reload, and keeps them in this browser', async () => {
    await page.goto(api.url);
    await until('redis badge', async () => (await text('redis-state')) === 'ready');
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const refresh = page.getByTestId('refresh-interval');
    const timeWindow = page.getByTestId('time-window');
    expect(await refresh.inputValue()).toBe('1000');
    expect(await timeWindow.inputValue()).toBe('300');
    await until('history on open', async () => histories.length >= 1);

    await refresh.selectOption({ label: '250 ms' });
    await until('4 Hz', async () => (await ticksIn(2000)) >= 6);
    // 2 s at 4 Hz: about 8 ticks (never more than 4 a second, a round's jitter allowed).
    expect(await ticksIn(2000)).toBeLessThanOrEqual(10);

    await refresh.selectOption({ label: 'Paused' });
    await page.getByTestId('paused-note').waitFor();
    await ticksIn(500); // the last tick sent before the pause may still be on its way
    expect(await ticksIn(2500)).toBe(0);

    await refresh.selectOption({ label: '1 s' });
    await until('1 Hz again', async () => (await ticksIn(2200)) >= 1);
    expect(await ticksIn(3000)).toBeLessThanOrEqual(4);

    const asked = histories.length;
    await timeWindow.selectOption({ label: '15 min' });
    await until('the 15-minute history sent', async () => histories.length > asked);
    await until('legend over 15 min', async () => /in the last 15 min/.test(await text('fault-summary')));
    expect(await notReloaded()).toBe(true);

    await page.reload();
    expect(await page.getByTestId('time-window').inputValue()).toBe('900');
    expect(await page.getByTestId('refresh-interval').inputValue()).toBe('1000');
    expect(await page.evaluate(() => localStorage.getItem('rrl.view'))).toBe(JSON.stringify({ tickMs: 1000, windowSeconds: 900 }));
  }, 60_000);

  it('fits a 45 s Redis restart in the 5-minute window, start to recovery, with its bands, marker and legend', async () => {
    await page.getByTestId('time-window').selectOption({ label: '5 min' });
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const { targets } = (await (await chaos('/api/chaos/targets')).json()) as ChaosTargetsResponse;
    const target = targets.find((t) => t.kind === 'redis')!.id;
    const started = await chaos('/api/chaos/scenarios/restart', { method: 'POST', body: JSON.stringify({ target, downtimeMs: 45_000 }) });
    expect(started.status).toBe(202);
    const run = (await started.json()) as ChaosRun;

    await until('badge down', async () => (await text('redis-state')) !== 'ready', 15_000);
    // While Redis is down the Loop test page's legend says so (the header and the legend agree).
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Loop test' }).click();
    await until('loop test legend: outage now', async () =>
      /Redis outages in the last 5 min: .*[\d:]+–now/.test(await text('fault-summary')),
    );
    await until('breaker open on the badge', async () => (await text('breaker-state')) === 'open', 15_000);
    await until('loop test legend: breaker open', async () => /breaker open/.test(await text('fault-summary')));
    expect(await text('fault-summary')).not.toMatch(/no Redis outage|closed throughout/);
    await screenshot(page, 'loadtest-during-restart-1280');

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Overview' }).click();
    await until(
      'run ended',
      async () => ((await (await chaos(`/api/chaos/runs/${run.id}`)).json()) as ChaosRun).status !== 'running',
      90_000,
    );
    await until('badge back', async () => (await text('redis-state')) === 'ready', 30_000);
    await until('breaker closed', async () => (await text('breaker-state')) === 'closed', 30_000);
    const outage = async () => /Redis outages in the last 5 min: (\d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d)/.exec(await text('fault-summary'));
    await until('the whole outage in the legend', async () => (await outage()) !== null);
    const [, from, to] = (await outage())!;
    const seconds = (hms: string) => hms.split(':').reduce((s, n) => s * 60 + Number(n), 0);
    // 45 s down, then the reconnect: all of it in the window, not cut at its left edge.
    expect(seconds(to) - seconds(from)).toBeGreaterThanOrEqual(44);
    expect(seconds(to) - seconds(from)).toBeLessThan(90);
    expect(await text('fault-summary')).toMatch(/breaker open: \d\d:\d\d:\d\d–\d\d:\d\d:\d\d/);
    expect(await text('fault-summary')).toMatch(/chaos: restart started at/);
    expect(await notReloaded()).toBe(true);
    await screenshot(page, 'overview-restart-45s-5min-1280');

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Loop test' }).click();
    await page.getByRole('heading', { name: 'Loop test', exact: true }).waitFor();
    await screenshot(page, 'loadtest-after-restart-1280');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'loadtest-after-restart-390');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
    await screenshot(page, 'overview-restart-45s-5min-390');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await page.setViewportSize(LAPTOP);
  }, 180_000);
});
