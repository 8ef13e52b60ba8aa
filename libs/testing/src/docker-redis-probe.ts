import { withTimeout } from '@rrl/common';
import { Redis } from 'ioredis';

export interface PingOnceOptions {
  host?: string;
  password?: string;
  /** Bound on connect and on the PING reply, ms. */
  timeoutMs?: number;
}

/**
 * One PING on a fresh connection, closed afterwards: says what the server does right now
 * (PONG, refused, reset, or silent) with no reconnect or queue in the way. Rejects with the
 * client's error.
 */
export async function pingOnce(port: number, opts: PingOnceOptions = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const client = new Redis({
    host: opts.host ?? '127.0.0.1',
    port,
    password: opts.password,
    lazyConnect: true, // connect here, inside the probe
    connectTimeout: timeoutMs, // a black-holed server must not hold the probe for ioredis' 10 s
    commandTimeout: timeoutMs, // a paused server accepts TCP but never answers
    maxRetriesPerRequest: 0, // fail the PING instead of retrying it across reconnects
    retryStrategy: () => null, // one connection per probe: never reconnect
    enableOfflineQueue: false, // never wait for a connection that is not there
    // ioredis arms a fallback timer (2 s) on disconnect that nothing clears when the server has
    // already dropped the socket (e.g. after NOAUTH); a probe has nothing to flush.
    disconnectTimeout: 100,
  });
  // ioredis rejects connect() with a bare "Connection is closed."; keep the socket's own error
  // (ECONNREFUSED, ECONNRESET...) to reject with instead.
  let socketError: Error | undefined;
  client.on('error', (e: Error) => (socketError ??= e));
  // The connection handshake (HELLO) is not covered by commandTimeout: bound the whole probe.
  const deadline = 2 * timeoutMs;
  try {
    return await withTimeout(
      client.connect().then(() => client.ping()),
      deadline,
      'PING',
      () => new Error(`PING timed out: no answer within ${deadline} ms`),
    );
  } catch (e) {
    throw socketError ?? e;
  } finally {
    client.disconnect();
  }
}
