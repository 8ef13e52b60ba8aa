import fs from 'node:fs';
import net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { AppConfig } from '@rrl/config';
import Redis, { type RedisOptions } from 'ioredis';

/** Where and as whom to connect, after the URL (which wins) is merged with host/port. */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/** Builds an ioredis client from options; a provider seam so unit tests can pass a fake. */
export type RedisClientFactory = (options: RedisOptions) => Redis;
export const createIoRedisClient: RedisClientFactory = (options) => new Redis(options);

// 'managed' mode writes the local redis-server's host into the config; 127.0.0.1 (not
// "localhost") because redis-server binds IPv4 and "localhost" may resolve to ::1 first.
const DEFAULT_HOST = '127.0.0.1';

export function resolveRedisTarget(config: AppConfig): RedisTarget {
  const r = config.redis;
  const base: RedisTarget = {
    host: r.host ?? DEFAULT_HOST,
    port: r.port,
    db: r.db,
    username: r.username ?? undefined,
    password: r.password ?? undefined,
    tls: r.tls.enabled,
  };
  if (!r.url) return base;
  const url = new URL(r.url);
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || base.host,
    port: url.port ? Number(url.port) : 6379,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : base.db,
    username: url.username ? decodeURIComponent(url.username) : base.username,
    password: url.password ? decodeURIComponent(url.password) : base.password,
    tls: url.protocol === 'rediss:' || base.tls,
  };
}

/** "host:port/db" with the scheme; never credentials (it is shown in the dashboard and logs). */
export function describeRedisEndpoint(config: AppConfig): string {
  const t = resolveRedisTarget(config);
  const host = net.isIPv6(t.host) ? `[${t.host}]` : t.host;
  return `${t.tls ? 'rediss' : 'redis'}://${host}:${t.port}/${t.db}`;
}

/** Every secret that must never appear in a log line, history entry or API answer. */
export function redisSecrets(config: AppConfig): string[] {
  const t = resolveRedisTarget(config);
  return [t.password, config.redis.password].filter((s): s is string => !!s);
}

function tlsOptions(config: AppConfig, host: string): ConnectionOptions {
  const { caFile, rejectUnauthorized } = config.redis.tls;
  return {
    // Read on every client build so a forced reset picks up a rotated CA.
    ...(caFile ? { ca: fs.readFileSync(caFile) } : {}),
    rejectUnauthorized,
    // SNI must be a host name; Node rejects an IP address here.
    ...(net.isIP(host) ? {} : { servername: host }),
  };
}

/** Hooks the connection service plugs into the client; kept out of config so this stays pure. */
export interface RedisClientHooks {
  /** Delay before reconnect attempt `times`; must always return a number. */
  retryStrategy: (times: number) => number;
}

/** Maps AppConfig to ioredis options. Every option that matters for resilience is set here on purpose. */
export function buildRedisOptions(config: AppConfig, hooks: RedisClientHooks): RedisOptions {
  const c = config.redis.connection;
  const t = resolveRedisTarget(config);
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    username: t.username,
    password: t.password,
    tls: t.tls ? tlsOptions(config, t.host) : undefined,
    // IPv4 and IPv6 both allowed (ioredis default); DEFAULT_HOST already avoids the ::1 lookup.
    family: 0,
    // The service calls connect() in start(): constructing a client must not open a socket.
    lazyConnect: true,
    // Our backoff (retryDelay..maxRetryDelay with jitter). It never returns null, so the
    // reconnect loop is never abandoned (ioredis default: 50·2^n capped at 5 s).
    retryStrategy: hooks.retryStrategy,
    // How often one command may be carried across reconnects. With the offline queue off a
    // command is never carried at all, so this only bounds commands in flight during a drop.
    maxRetriesPerRequest: c.maxRetries,
    // Fail fast while not connected. ioredis' default queues commands until ready: with
    // commandTimeout they are rejected after 500 ms but stay queued and are still sent on
    // reconnect (a write the caller already gave up on), and the queue grows with the outage.
    enableOfflineQueue: false,
    // Replies to commands lost in a drop already timed out for the caller; resending them
    // after reconnect would replay writes nobody waits for.
    autoResendUnfulfilledCommands: false,
    // TCP connect (and TLS handshake) budget; ioredis default is 10 s.
    connectTimeout: c.connectTimeout,
    // Every command, including the handshake, rejects after this instead of hanging on a
    // half-open socket.
    commandTimeout: c.commandTimeout,
    // A graceful close (FIN) to a frozen server never completes; destroy the socket after one
    // command timeout instead of ioredis' 2 s so the next attempt starts sooner.
    disconnectTimeout: c.commandTimeout,
    // Kernel-level probe for dead peers; the heartbeat catches them much sooner (default 30 s).
    keepAlive: c.keepAlive,
    // Latency over throughput: each request's command goes out immediately (ioredis default).
    noDelay: true,
    // Wait for "loading:0" after a restart with persistence before declaring ready.
    enableReadyCheck: true,
    // Concurrent requests' GETs issued in the same tick share one socket write (ioredis default
    // off). Each command keeps its own commandTimeout, so a batch fails no slower than one command.
    enableAutoPipelining: c.autoPipelining,
    // No socketTimeout: the heartbeat owns half-open detection so it can be reported as such.
    socketTimeout: undefined,
    // RESP3 is ioredis 6's default; HELLO carries AUTH, so credentials are checked in one round trip.
    protocol: 3,
    // A failed-over replica answers READONLY: reconnect and reject the command (1), not resend (2).
    reconnectOnError: config.redis.connection.reconnectOnError ? (err) => (err.message.startsWith('READONLY') ? 1 : false) : null,
    // Key prefixes are the cache's business (redis.caching.keyPrefix), not the connection's.
    keyPrefix: '',
  };
}
