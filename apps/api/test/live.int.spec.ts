import { API_LOG_TARGET, type ChaosRun, type RedisStatus } from '@rrl/contracts';
import { ManagedProcess } from '@rrl/chaos';
import { waitFor } from '@rrl/testing';
import WebSocket from 'ws';
import { LiveGateway } from '../src/live/live.gateway';
import { MetricsService } from '../src/metrics/metrics.service';
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../src/live/live.options';
import { LOG_TAIL_ON_SUBSCRIBE } from '../src/live/live-log.feed';
import { CHAOS_TOKEN, startRedisChaosLab, startScenario, untilEnded, type RedisChaosLab } from './support/chaos-lab';
import { LiveClient } from './support/live-client';
import { startLab } from './support/lab';

/** A process that prints `perTick` lines of ~200 bytes every 10 ms: a log flood for the backpressure test. */
function floodProcess(name: string, perTick: number): ManagedProcess {
  const script = `console.log('ready'); let n = 0; setInterval(() => { let s = ''; for (let i = 0; i < ${perTick}; i++) s += 'line ' + (n++) + ' ' + 'x'.repeat(190) + '\\n'; process.stdout.write(s); }, 10);`;
  return new ManagedProcess({ name, command: process.execPath, args: ['-e', script], readyLine: /^ready$/, logCapacity: 100 });
}

describe('live feed at /ws (real ws clients, real redis-server, real MariaDB)', () => {
  let env: RedisChaosLab;
  let flood: ManagedProcess;
  const clients: LiveClient[] = [];
  const connect = async (opts?: Parameters<typeof LiveClient.connect>[1]) => {
    const c = await LiveClient.connect(env.lab.url, opts);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    flood = floodProcess('flood', 20); // 2 000 lines/s, ~400 kB/s
    await flood.start();
    env = await startRedisChaosLab({
      users: 10,
      tag: 'live',
      overrides: { logging: { level: 'warn', format: 'json' }, chaos: { probe: { readsPerSecond: 20 } } },
      extraTargets: [{ process: flood, kind: 'other' }],
      live: { tickMs: 250, stallMs: 1000, highWaterBytes: 16 * 1024 },
    });
  }, 90_000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await env?.close();
    await flood?.stop();
  });

  it('sends hello with the current state at once, then metrics ticks', async () => {
    const c = await connect();
    const hello = await c.next('hello');
    expect(c.messages[0].type).toBe('hello');
    expect(hello.data.redis.state).toBe('ready');
    expect(hello.data.breaker.state).toBe('closed');
    expect(hello.data.metrics.totals.reads).toBeDefined();
    expect(hello.data.chaosRun).toBeNull();
    expect(hello.data.logTargets).toEqual([]); // no token given
    await waitFor('three ticks', () => c.of('metrics').length >= 3);
    const ticks = c.of('metrics');
    expect(Date.parse(ticks[2].data.at)).toBeGreaterThan(Date.parse(ticks[0].data.at));
  });

  it('pushes redis-state on every transition, with attempt and backoff delay, when redis-server is killed and restarted', async () => {
    const c = await connect();
    await c.next('hello');
    await env.redis.kill();
    const down = await c.next('redis-state', (e) => e.to === 'reconnecting');
    expect(down.data.from).toBe('ready');
    expect(down.data.attempt).toBe(1);
    expect(down.data.delayMs).toBeGreaterThan(0);
    expect(down.data.endpoint).toContain(String(env.redis.port));
    const retry = await c.next('redis-state', (e) => e.attempt >= 2);
    expect(retry.data.delayMs).toBeGreaterThan(0);
    await env.redis.start();
    const up = await c.next('redis-state', (e) => e.to === 'ready', 20_000);
    expect(up.data.from).toBe('reconnecting');
    await waitFor('redis ready', async () => (await env.lab.get<RedisStatus>('/api/redis/status')).body.state === 'ready');
  }, 40_000);

  it('ticks each client at the rate it asked for (4 Hz and 1 Hz side by side); a paused client gets no ticks but every transition', async () => {
    const [fast, slow, paused] = await Promise.all([connect(), connect(), connect()]);
    await Promise.all([fast, slow, paused].map((c) => c.next('hello')));
    fast.send({ type: 'feed', data: { tickMs: 250 } });
    slow.send({ type: 'feed', data: { tickMs: 1000 } });
    paused.send({ type: 'feed', data: { tickMs: null } });
    expect((await fast.next('feed')).data.tickMs).toBe(250);
    expect((await slow.next('feed')).data.tickMs).toBe(1000);
    expect((await paused.next('feed')).data.tickMs).toBeNull();
    const ticksAfterAck = (c: LiveClient) => {
      const ack = c.messages.findIndex((m) => m.type === 'feed');
      return c.messages.slice(ack + 1).filter((m) => m.type === 'metrics');
    };
    await waitFor('five ticks on the 1 Hz client', () => ticksAfterAck(slow).length >= 5, 15_000);
    const slowTicks = ticksAfterAck(slow);
    const [from, to] = [slowTicks[0].receivedAt, slowTicks[4].receivedAt];
    const fastInSpan = ticksAfterAck(fast).filter((m) => m.receivedAt >= from && m.receivedAt <= to).length;
    // Four seconds: ~16 ticks at 4 Hz and 4 gaps at 1 Hz (a round's jitter allowed either side).
    expect(to - from).toBeGreaterThan(3500);
    expect(fastInSpan).toBeGreaterThanOrEqual(13);
    expect(fastInSpan).toBeLessThanOrEqual(18);
    const gaps = (ticks: { data: { at: string } }[]) => ticks.slice(1).map((t, i) => Date.parse(t.data.at) - Date.parse(ticks[i].data.at));
    // Each tick is sent in the 250 ms round it falls due (up to half a round early), so on a busy
    // machine one gap can shrink by a round; on average it is the second asked for, never the 4 Hz pace.
    expect(Math.min(...gaps(slowTicks))).toBeGreaterThan(500);
    expect((Date.parse(slowTicks[4].data.at) - Date.parse(slowTicks[0].data.at)) / 4).toBeGreaterThanOrEqual(900);
    expect(ticksAfterAck(paused)).toEqual([]);

    await env.redis.restart(200);
    await paused.next('redis-state', (e) => e.to === 'reconnecting', 10_000);
    await paused.next('redis-state', (e) => e.to === 'ready', 20_000);
    expect(ticksAfterAck(paused)).toEqual([]);
    paused.send({ type: 'feed', data: { tickMs: 1000 } });
    await waitFor('ticks again once resumed', () => paused.of('metrics').length > 0);
  }, 60_000);

  it('answers `history` with the last seconds, one point a second, and refuses rates above 4 Hz', async () => {
    const c = await connect();
    await c.next('hello');
    for (const id of env.ids) await env.lab.get(`/api/users/${id}`);
    const history = env.lab.app.get(MetricsService).recorder.history;
    const seconds = history.length;
    await waitFor('two more seconds of history', () => history.length >= Math.min(seconds + 2, 900));
    c.send({ type: 'history', data: { seconds: 900 } });
    const { points } = (await c.next('history')).data;
    expect(points.length).toBeGreaterThanOrEqual(3);
    expect(points.length).toBeLessThanOrEqual(900);
    const steps = points.slice(1).map((p, i) => p.at - points[i].at);
    expect(Math.min(...steps)).toBeGreaterThan(900);
    expect(points.at(-1)!.redis).toBe('ready');
    // The reads above, in the seconds they happened (Redis or, after the restart test, the database);
    // a rate is over the sample's own elapsed time, a little over 1 s.
    const reads = (p: (typeof points)[number]) => p.readsPerSecond.redis + p.readsPerSecond.mysql;
    expect(points.slice(-3).reduce((n, p) => n + reads(p), 0)).toBeGreaterThanOrEqual(env.ids.length * 0.9);
    c.send({ type: 'feed', data: { tickMs: 100 } });
    c.send({ type: 'history', data: { seconds: 901 } });
    await waitFor('two errors', () => c.of('error').length === 2);
    expect(c.of('error').map((e) => e.data.code)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(c.of('error')[0].data.message).toContain('from 250');
    expect(c.of('error')[1].data.message).toContain('1 to 900');
  });

  it('streams a chaos run to a token holder: started, timeline events, ended with the report', async () => {
    const c = await connect({ protocols: ['rrl.live', `bearer.${CHAOS_TOKEN}`] });
    await c.next('hello');
    const started = await startScenario(env.lab, 'crash', { target: env.target, downtimeMs: 500 });
    expect(started.status).toBe(202);
    const run = await untilEnded(env.lab, started.body.id);
    const first = await c.next('chaos-run', (e) => e.kind === 'started');
    expect(first.data.kind === 'started' && first.data.run.id).toBe(run.id);
    const ended = await c.next('chaos-run', (e) => e.kind === 'ended');
    const report = (ended.data as { run: ChaosRun }).run;
    expect(report.status).toBe('completed');
    const timeline = c.of('chaos-run').flatMap((m) => (m.data.kind === 'timeline' ? [m.data.event.type] : []));
    expect(timeline).toEqual(expect.arrayContaining(['action', 'target-back', 'app-reconnected']));
    expect(timeline.length).toBe(report.timeline.length);
  }, 60_000);

  it("log lines need the chaos token; a subscribed client gets a target's lines and the API's own", async () => {
    const anonymous = await connect();
    await anonymous.next('hello');
    anonymous.send({ type: 'subscribe', data: { logs: [API_LOG_TARGET] } });
    expect((await anonymous.next('error')).data.code).toBe('UNAUTHORIZED');
    anonymous.send({ type: 'subscribe', data: { logs: [API_LOG_TARGET], token: 'wrong' } });
    await waitFor('second error', () => anonymous.of('error').length === 2);
    expect(anonymous.of('subscribed')).toEqual([]);

    // Token as a subprotocol: the server answers with "rrl.live" and lists the targets in hello.
    const c = await connect({ protocols: ['rrl.live', `bearer.${CHAOS_TOKEN}`] });
    expect(c.socket.protocol).toBe('rrl.live');
    const hello = await c.next('hello');
    await waitFor('log targets listed', async () => {
      const again = await LiveClient.connect(env.lab.url, { query: `?token=${CHAOS_TOKEN}` });
      clients.push(again);
      return (await again.next('hello')).data.logTargets.includes(env.target);
    });
    expect(hello.data.logTargets).toContain(API_LOG_TARGET);
    c.send({ type: 'subscribe', data: { logs: [env.target, API_LOG_TARGET, 'process:nope'] } });
    expect((await c.next('error')).data.code).toBe('TARGET_NOT_FOUND');
    expect((await c.next('subscribed')).data.logs.sort()).toEqual([API_LOG_TARGET, env.target].sort());

    await env.lab.get('/api/users/987654321'); // a 404: the API logs it at warn
    const apiLine = await c.next('log', (d) => d.target === API_LOG_TARGET && d.lines.some((l) => l.line.includes('/api/users/987654321')));
    expect(apiLine.data.lines.find((l) => l.line.includes('987654321'))!.level).toBe('warn');

    await env.redis.restart(200); // redis-server prints its banner and "Ready to accept connections"
    await c.next('log', (d) => d.target === env.target && d.lines.some((l) => /ready to accept connections/i.test(l.line)), 20_000);

    c.send({ type: 'unsubscribe', data: { logs: [env.target] } });
    await c.next('subscribed', (d) => d.logs.length === 1, 5000, c.messages.length);
  }, 60_000);

  it('a new subscriber gets the recent tail of a target first (its startup lines), then its live lines', async () => {
    const c = await connect({ protocols: ['rrl.live', `bearer.${CHAOS_TOKEN}`] });
    await c.next('hello');
    c.send({ type: 'subscribe', data: { logs: [env.target] } });
    // Nothing new is written meanwhile: the lines come from the tail, as `docker logs --tail N -f`.
    const first = await c.next('log', (d) => d.target === env.target);
    expect(first.data.lines.some((l) => /ready to accept connections/i.test(l.line))).toBe(true);
    expect(first.data.lines.length).toBeLessThanOrEqual(LOG_TAIL_ON_SUBSCRIBE);
  }, 30_000);

  it('answers bad messages with errors and keeps serving: not JSON, unknown type, oversized message; a frame over maxPayload closes only that client', async () => {
    const c = await connect();
    await c.next('hello');
    c.send('not json');
    c.send({ type: 'launch-missiles', data: {} });
    c.send({ type: 'subscribe' });
    c.send({ type: 'subscribe', data: { logs: ['x'.repeat(MAX_MESSAGE_BYTES)] } });
    await waitFor('four errors', () => c.of('error').length === 4);
    expect(c.of('error').map((e) => e.data.code)).toEqual([
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'PAYLOAD_TOO_LARGE',
    ]);
    expect(c.of('error')[1].data.message).toContain('launch-missiles');

    const big = await connect();
    await big.next('hello');
    big.send('x'.repeat(MAX_FRAME_BYTES + 1));
    await waitFor('oversized frame closes the client', () => big.closeCode);
    expect(big.closeCode).toBe(1009);
    const ticksBefore = c.of('metrics').length;
    await waitFor('the first client still gets ticks', () => c.of('metrics').length > ticksBefore + 1);
  });

  it('drops a client that stopped reading under a log flood, while a reading client keeps its ticks and lines', async () => {
    const gateway = env.lab.app.get(LiveGateway);
    const reader = await connect({ query: `?token=${CHAOS_TOKEN}` });
    const stalled = await connect({ query: `?token=${CHAOS_TOKEN}` });
    await reader.next('hello');
    await stalled.next('hello');
    const floodId = 'process:flood';
    reader.send({ type: 'subscribe', data: { logs: [floodId] } });
    stalled.send({ type: 'subscribe', data: { logs: [floodId] } });
    await reader.next('subscribed');
    await stalled.next('subscribed');
    const connected = gateway.clientCount;
    stalled.socket.pause(); // stops reading its socket: the kernel buffers fill, then the server's backlog grows

    await waitFor('the stalled client is terminated', () => gateway.clientCount === connected - 1, 40_000, 100);
    const since = Date.now();
    const ticksBefore = reader.of('metrics').length;
    await waitFor('the reader keeps getting ticks', () => reader.of('metrics').length >= ticksBefore + 4, 10_000);
    expect(reader.socket.readyState).toBe(WebSocket.OPEN);
    const lines = reader.of('log').filter((m) => m.receivedAt >= since);
    expect(lines.length).toBeGreaterThan(0);
    // Every flood line numbered in order: nothing the reader was sent is lost or reordered.
    const numbers = reader
      .of('log')
      .flatMap((m) => m.data.lines.map((l) => Number(/^line (\d+) /.exec(l.line)?.[1])))
      .filter((n) => !Number.isNaN(n));
    const dropped = reader.of('log').reduce((n, m) => n + (m.data.dropped ?? 0), 0);
    expect(numbers[numbers.length - 1] - numbers[0] + 1).toBe(numbers.length + dropped);
  }, 90_000);

  it('closing the app removes the WebSocket upgrade listener (several apps in a row)', async () => {
    for (let i = 0; i < 3; i++) {
      const lab = await startLab({ mysql: env.db, waitForDatabase: false });
      const server = lab.app.getHttpServer();
      expect(server.listenerCount('upgrade')).toBe(1);
      const c = await LiveClient.connect(lab.url);
      await c.next('hello');
      await lab.close();
      expect(server.listenerCount('upgrade')).toBe(0);
      await waitFor('client closed by the server', () => c.closeCode);
    }
  }, 60_000);
});
