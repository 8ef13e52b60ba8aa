import { API_LOG_TARGET, type LoadTestRun } from '@rrl/contracts';
import { waitFor } from '@rrl/testing';
import WebSocket from 'ws';
import { startBuiltApiOnRedis, type ApiProcess, type BuiltApiOnRedis } from './support/api-process';
import { LiveClient } from './support/live-client';

const TOKEN = 'live-access-token-0123456789';
const ALLOWED = 'http://dashboard.example:5173';

/** Opens /ws with an Origin header, as a browser page on that origin would; resolves with the close code or 'open'. */
function openWithOrigin(url: string, origin: string): Promise<{ outcome: number | 'open'; messages: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { origin });
    let messages = 0;
    socket.on('message', () => {
      messages++;
      socket.terminate();
      resolve({ outcome: 'open', messages });
    });
    socket.on('close', (code) => resolve({ outcome: code, messages }));
    socket.on('error', () => undefined);
  });
}

describe('the built API /ws: own origin or ALLOWED_ORIGINS only; operator messages only for token holders', () => {
  let lab: BuiltApiOnRedis;
  let api: ApiProcess;

  beforeAll(async () => {
    lab = await startBuiltApiOnRedis('live-access', { CHAOS_TOKEN: TOKEN, ALLOWED_ORIGINS: `${ALLOWED}, https://other.example` });
    api = lab.api;
  }, 60_000);

  afterAll(() => lab?.close(), 30_000);

  it('refuses a cross-site origin (1008, nothing sent) and lets in its own origin and an allowed one', async () => {
    expect(await openWithOrigin(api.url, 'http://evil.example')).toEqual({ outcome: 1008, messages: 0 });
    expect(await openWithOrigin(api.url, 'http://127.0.0.1:1')).toEqual({ outcome: 1008, messages: 0 });
    expect((await openWithOrigin(api.url, api.url)).outcome).toBe('open');
    expect((await openWithOrigin(api.url, ALLOWED)).outcome).toBe('open');
  });

  it('sends loop-test messages to token holders only; metrics to everyone', async () => {
    const operator = await LiveClient.connect(api.url, { protocols: ['rrl.live', `bearer.${TOKEN}`] });
    const anonymous = await LiveClient.connect(api.url);
    try {
      const started = await api.client.send<LoadTestRun>('POST', '/api/loadtests', {
        iterations: 100_000_000,
        concurrency: 4,
        readRatio: 1,
        keys: { distribution: 'uniform', count: 20 },
        seed: true,
      });
      expect(started.status).toBe(202);
      await operator.next('loadtest', (e) => e.kind === 'progress' && e.run.progress.done > 0);
      // Connected while it runs: only the operator's hello names it.
      const lateAnonymous = await LiveClient.connect(api.url);
      const lateOperator = await LiveClient.connect(api.url, { query: `?token=${TOKEN}` });
      const [anonHello, opHello] = [await lateAnonymous.next('hello'), await lateOperator.next('hello')];
      expect(anonHello.data.loadtest).toBeNull();
      expect(opHello.data.loadtest).toMatchObject({ id: started.body.id });
      lateAnonymous.close();
      lateOperator.close();

      await api.client.send('POST', `/api/loadtests/${started.body.id}/cancel`);
      await operator.next('loadtest', (e) => e.kind === 'ended');
      await anonymous.next('metrics');
      // A metrics tick after the end: whatever the anonymous client was going to get has arrived.
      const after = anonymous.messages.length;
      await anonymous.next('metrics', () => true, 10_000, after);
      expect(anonymous.of('loadtest')).toEqual([]);
      expect(anonymous.of('chaos-run')).toEqual([]);
      expect(anonymous.of('log')).toEqual([]);
    } finally {
      operator.close();
      anonymous.close();
    }
  }, 60_000);

  it('log feeds need the token, and wrong tokens over the socket are limited like REST guesses', async () => {
    const client = await LiveClient.connect(api.url);
    try {
      await client.next('hello');
      client.send({ type: 'subscribe', data: { logs: [API_LOG_TARGET] } });
      expect((await client.next('error')).data.code).toBe('UNAUTHORIZED');
      for (let i = 0; i < 12; i++) client.send({ type: 'subscribe', data: { logs: [API_LOG_TARGET], token: `guess-${i}` } });
      await waitFor('13 answers', () => client.of('error').length === 13);
      const codes = client.of('error').map((m) => m.data.code);
      expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS').length).toBeGreaterThanOrEqual(2);
      expect(client.of('log')).toEqual([]);
    } finally {
      client.close();
    }
  }, 30_000);
});
