import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { LIVE_DEFAULTS, type LiveOptions } from './live.options';
import { LiveSession, encode } from './live-session';

/** A socket whose backlog the test sets: what ws reports as bufferedAmount for a client that stopped reading. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: { type: string; data: unknown }[] = [];
  terminated = false;
  pings = 0;
  send(json: string) {
    this.sent.push(JSON.parse(json) as { type: string; data: unknown });
  }
  terminate() {
    this.terminated = true;
  }
  ping() {
    this.pings++;
  }
}

const options: LiveOptions = {
  ...LIVE_DEFAULTS,
  highWaterBytes: 1000,
  hardCapBytes: 10_000,
  stallMs: 5000,
  logBufferLines: 3,
  factQueueLength: 4,
};
const line = (n: number) => ({ at: '2026-11-29T12:00:00.000Z', stream: 'stdout' as const, line: `line ${n}` });

function session() {
  const socket = new FakeSocket();
  const reasons: string[] = [];
  const s = new LiveSession(socket as unknown as WebSocket, options, true, (r) => reasons.push(r));
  s.logTargets.add('t');
  return { socket, s, reasons };
}

describe('LiveSession (backpressure of one client)', () => {
  it('writes at once while the socket keeps up', () => {
    const { socket, s } = session();
    s.sendFact(encode('error', { code: 'X', message: 'a' }));
    s.sendState('metrics', '{"type":"metrics","data":1}');
    s.offerLogs('t', [line(1)], encode('log', { target: 't', lines: [line(1)] }));
    expect(socket.sent.map((m) => m.type)).toEqual(['error', 'metrics', 'log']);
  });

  it('behind the high-water mark: snapshots coalesce, facts keep their order, log lines past the cap are dropped and counted', () => {
    const { socket, s } = session();
    socket.bufferedAmount = 5000;
    s.sendState('metrics', '{"type":"metrics","data":1}');
    s.sendFact(encode('error', { code: 'A', message: '' }));
    s.sendState('metrics', '{"type":"metrics","data":2}');
    s.sendFact(encode('error', { code: 'B', message: '' }));
    const batch = [1, 2, 3, 4, 5].map(line);
    s.offerLogs('t', batch, encode('log', { target: 't', lines: batch }));
    s.flush(0);
    expect(socket.sent).toEqual([]);

    socket.bufferedAmount = 0;
    s.flush(100);
    expect(socket.sent).toEqual([
      { type: 'error', data: { code: 'A', message: '' } },
      { type: 'error', data: { code: 'B', message: '' } },
      { type: 'metrics', data: 2 },
      { type: 'log', data: { target: 't', lines: [1, 2, 3].map(line), dropped: 2 } },
    ]);
  });

  it('terminates a client that stays behind for stallMs, not one that catches up', () => {
    const { socket, s, reasons } = session();
    socket.bufferedAmount = 5000;
    s.flush(0);
    s.flush(4000);
    socket.bufferedAmount = 0;
    s.flush(4500);
    socket.bufferedAmount = 5000;
    s.flush(6000);
    expect(socket.terminated).toBe(false);
    s.flush(11_000);
    expect(socket.terminated).toBe(true);
    expect(reasons).toEqual(['behind for 5000 ms']);
  });

  it('terminates at once over the hard cap, and when its fact queue overflows', () => {
    const a = session();
    a.socket.bufferedAmount = 20_000;
    a.s.flush(0);
    expect(a.socket.terminated).toBe(true);

    const b = session();
    b.socket.bufferedAmount = 5000;
    for (let i = 0; i < 5; i++) b.s.sendFact(encode('error', { code: String(i), message: '' }));
    expect(b.socket.terminated).toBe(true);
    expect(b.reasons[0]).toContain('more than 4 messages waiting');
  });

  it('terminates a client that did not answer the previous ping', () => {
    const { socket, s } = session();
    s.ping();
    socket.emit('pong');
    s.ping();
    expect(socket.terminated).toBe(false);
    s.ping();
    expect(socket.terminated).toBe(true);
    expect(socket.pings).toBe(2);
  });
});
