import type { ReactNode } from 'react';
import type { AddressInfo } from 'node:net';
import { act, renderHook, waitFor } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { ClientMessage, RedisStateEvent, ServerMessage } from '@rrl/contracts';
import { chaosRun, hello, snapshot } from '../testing/fixtures';
import { testQueryClient } from '../testing/render';
import { liveKeys, type LiveConnection } from './live-queries';
import type { FeedState } from './live-socket';
import { feedProtocols, useLiveUpdates } from './use-live-updates';

/** A real WebSocket server standing in for the API's /ws (the browser side under test is the real hook). */
class FeedServer {
  readonly received: ClientMessage[] = [];
  private wss!: WebSocketServer;
  private clients = new Set<ServerSocket>();

  async start(port = 0): Promise<number> {
    this.wss = new WebSocketServer({ port, host: '127.0.0.1' });
    await new Promise((r) => this.wss.once('listening', r));
    this.wss.on('connection', (ws) => {
      this.clients.add(ws);
      ws.on('message', (raw: Buffer) => this.received.push(JSON.parse(raw.toString('utf8')) as ClientMessage));
      ws.on('close', () => this.clients.delete(ws));
    });
    return (this.wss.address() as AddressInfo).port;
  }

  connections(): number {
    return this.clients.size;
  }

  send(message: ServerMessage): void {
    for (const ws of this.clients) ws.send(JSON.stringify(message));
  }

  /** Like an API process dying: every connection dropped, nothing listening. */
  async stop(): Promise<void> {
    for (const ws of this.clients) ws.terminate();
    await new Promise((r) => this.wss.close(r));
  }
}

describe('useLiveUpdates (socket messages in, query cache out)', () => {
  let server: FeedServer;
  let port: number;
  const client = testQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  const fastRetry = () => 50;

  beforeEach(async () => {
    client.clear();
    server = new FeedServer();
    port = await server.start();
  });
  afterEach(() => server.stop());

  const feed = () => client.getQueryData<FeedState>(liveKeys.feed);
  const connection = () => client.getQueryData<LiveConnection>(liveKeys.connection);

  it('is right at once on hello, then follows ticks, transitions, chaos runs and logs', async () => {
    const { result, unmount } = renderHook(() => useLiveUpdates(`ws://127.0.0.1:${port}`, fastRetry), { wrapper });
    await waitFor(() => expect(server.connections()).toBe(1));
    await waitFor(() => expect(feed()?.status).toBe('open'));

    act(() => server.send({ type: 'hello', data: hello('2026-11-29T12:00:00.000Z', { redis: 'reconnecting' }) }));
    await waitFor(() => expect(connection()?.redis.state).toBe('reconnecting'));

    act(() => server.send({ type: 'metrics', data: snapshot('2026-11-29T12:00:01.000Z', { reads: { redis: 0, mysql: 40, none: 0 } }) }));
    await waitFor(() => expect(result.current.history.points.length).toBe(2));
    // 40 database reads in the second since the hello snapshot.
    expect(result.current.history.points.last()?.readsPerSecond.mysql).toBe(40);

    client.setQueryData<RedisStateEvent[]>(liveKeys.redisEvents, []);
    const transition: RedisStateEvent = {
      at: '2026-11-29T12:00:02.000Z',
      from: 'ready',
      to: 'reconnecting',
      attempt: 1,
      delayMs: 1000,
      errorKind: 'refused',
    };
    act(() => server.send({ type: 'redis-state', data: transition }));
    await waitFor(() => expect(client.getQueryData(liveKeys.redisEvents)).toEqual([transition]));
    expect(connection()?.redis).toMatchObject({ state: 'reconnecting', attempt: 1 });

    act(() =>
      server.send({
        type: 'breaker-state',
        data: { at: '2026-11-29T12:00:02.500Z', from: 'closed', to: 'open', reason: '5 consecutive failures' },
      }),
    );
    await waitFor(() => expect(connection()?.breaker).toEqual({ state: 'open', since: '2026-11-29T12:00:02.500Z' }));

    const run = chaosRun();
    act(() => server.send({ type: 'chaos-run', data: { kind: 'started', run } }));
    const event = { at: '2026-11-29T12:00:03.000Z', offsetMs: 3000, type: 'target-back' as const, message: 'target started again' };
    act(() => server.send({ type: 'chaos-run', data: { kind: 'timeline', runId: run.id, event } }));
    await waitFor(() => expect(client.getQueryData<typeof run>(liveKeys.chaosCurrent)?.timeline).toHaveLength(2));
    expect(result.current.history.markers.toArray().map((m) => m.label)).toEqual(['restart started', 'target started again']);

    act(() => result.current.setLogSubscriptions(['process:redis-6390']));
    await waitFor(() => expect(server.received).toContainEqual({ type: 'subscribe', data: { logs: ['process:redis-6390'] } }));
    act(() =>
      server.send({
        type: 'log',
        data: {
          target: 'process:redis-6390',
          lines: [{ at: '2026-11-29T12:00:04.000Z', stream: 'stdout', line: 'Ready to accept connections' }],
          dropped: 7,
        },
      }),
    );
    await waitFor(() =>
      expect(result.current.logs.lines('process:redis-6390').map((l) => l.line)).toEqual(['Ready to accept connections']),
    );
    expect(result.current.logs.dropped('process:redis-6390').byServer).toBe(7);
    unmount();
  });

  it('says it is offline when the API goes away, reconnects by itself, resubscribes, and is right again on hello', async () => {
    const { result, unmount } = renderHook(() => useLiveUpdates(`ws://127.0.0.1:${port}`, fastRetry), { wrapper });
    await waitFor(() => expect(feed()?.status).toBe('open'));
    act(() => server.send({ type: 'hello', data: hello('2026-11-29T12:00:00.000Z', { redis: 'ready' }) }));
    act(() => result.current.setLogSubscriptions(['api']));
    await waitFor(() => expect(connection()?.redis.state).toBe('ready'));

    await server.stop();
    await waitFor(() => expect(feed()).toMatchObject({ status: 'offline', retryInMs: 50 }));
    // It keeps trying while nothing listens.
    await waitFor(() => expect(feed()?.attempt).toBeGreaterThanOrEqual(2));

    // The API is back (same port), with a different state: the page must show the new one.
    server = new FeedServer();
    await server.start(port);
    await waitFor(() => expect(feed()?.status).toBe('open'));
    expect(feed()?.attempt).toBe(0);
    await waitFor(() => expect(server.received).toContainEqual({ type: 'subscribe', data: { logs: ['api'] } }));
    act(() => server.send({ type: 'hello', data: hello('2026-11-29T12:05:00.000Z', { redis: 'auth-failed', chaosRun: chaosRun() }) }));
    await waitFor(() => expect(connection()?.redis.state).toBe('auth-failed'));
    expect(client.getQueryData(liveKeys.chaosCurrent)).toMatchObject({ id: 'run-1', status: 'running' });
    unmount();
  });
});

describe('feedProtocols', () => {
  it('offers the operator token as a "bearer." subprotocol beside rrl.live, only when it is a valid subprotocol token', () => {
    expect(feedProtocols('k3y_-.AbC')).toEqual(['rrl.live', 'bearer.k3y_-.AbC']);
    expect(feedProtocols(null)).toBeUndefined();
    // A space or comma would make the browser's WebSocket constructor throw: such a token goes in the subscribe message only.
    expect(feedProtocols('two words')).toBeUndefined();
    expect(feedProtocols('a,b')).toBeUndefined();
  });
});
