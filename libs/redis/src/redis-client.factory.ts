import fs from 'node:fs';
import net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { parseRedisUrl, type AppConfig } from '@rrl/config';
import Redis, { type RedisOptions } from 'ioredis';
import type { RecoveryProbeTarget } from './redis-recovery.probe';

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
  const url = parseRedisUrl(r.url);
  return {
    host: url.host || base.host,
    port: url.port ?? 6379,
    db: url.db ?? base.db,
    username: url.username ?? base.username,
    password: url.password ?? base.password,
    tls: url.tls || base.tls,
  };
}

/** "host:port", IPv6 in brackets. */
export function formatHostPort(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

export function isSentinelMode(config: AppConfig): boolean {
  return config.redis.sentinel.nodes.length > 0;
}

/** The configured sentinels as "host:port". */
export function describeSentinels(config: AppConfig): string[] {
  return config.redis.sentinel.nodes.map((n) => formatHostPort(n.host, n.port));
}

/**
 * "redis://host:port/db", or "redis+sentinel://s1:26379,s2:26379/mymaster/db" in Sentinel mode;
 * never credentials (it is shown in the dashboard and logs).
 */
export function describeRedisEndpoint(config: AppConfig): string {
  const t = resolveRedisTarget(config);
  const scheme = t.tls ? 'rediss' : 'redis';
  if (isSentinelMode(config))
    return `${scheme}+sentinel://${describeSentinels(config).join(',')}/${config.redis.sentinel.masterName}/${t.db}`;
  return `${scheme}://${formatHostPort(t.host, t.port)}/${t.db}`;
}

/** Every secret that must never appear in a log line, history entry or API answer. */
export function redisSecrets(config: AppConfig): string[] {
  const t = resolveRedisTarget(config);
  return [t.password, config.redis.password, config.redis.sentinel.password].filter((s): s is string => !!s);
}

/** `host` null: the node is not known in advance (Sentinel names it), so no SNI name. */
function tlsOptions(config: AppConfig, host: string | null): ConnectionOptions {
  const { caFile, rejectUnauthorized } = config.redis.tls;
  return {
    // Read on every client build so a forced reset picks up a rotated CA.
    ...(caFile ? { ca: fs.readFileSync(caFile) } : {}),
    rejectUnauthorized,
    // SNI must be a host name; Node rejects an IP address here.
    ...(host === null || net.isIP(host) ? {} : { servername: host }),
  };
}

/**
 * Where the recovery probe knocks: the configured node and credentials. Null in Sentinel mode, where
 * the node is whichever master the sentinels name at the next attempt.
 */
export function recoveryProbeTarget(config: AppConfig): RecoveryProbeTarget | null {
  if (isSentinelMode(config)) return null;
  const t = resolveRedisTarget(config);
  return { host: t.host, port: t.port, tls: t.tls ? tlsOptions(config, t.host) : null, username: t.username, password: t.password };
}

/** Hooks the connection service plugs into the client; kept out of config so this stays pure. */
export interface RedisClientHooks {
  /** Delay before reconnect attempt `times`; must always return a number. */
  retryStrategy: (times: number) => number;
}

/**
 * ioredis Sentinel mode: the client asks the sentinels for the master, connects to it, and
 * re-asks on every reconnect. Empty (single-node mode) when no sentinels are configured.
 */
function sentinelOptions(config: AppConfig, hooks: RedisClientHooks): Partial<RedisOptions> {
  if (!isSentinelMode(config)) return {};
  const s = config.redis.sentinel;
  const tls = config.redis.tls.enabled;
  return {
    sentinels: s.nodes.map((n) => ({ host: n.host, port: n.port })),
    name: s.masterName,
    // Only ever the master: writes and invalidations must land where every reader looks.
    role: 'master',
    sentinelUsername: s.username ?? undefined,
    sentinelPassword: s.password ?? undefined,
    // TLS as for a single node: to the data nodes (tls above) and to the sentinels.
    enableTLSForSentinelMode: tls,
    sentinelTLS: tls ? tlsOptions(config, null) : undefined,
    // Subscribe to every sentinel's +switch-master and drop the connection the moment a
    // failover is announced, instead of waiting for the old master's socket to break (it never
    // does when the old master is paused rather than dead).
    failoverDetector: true,
    // Learn sentinels added later from the ones we know (ioredis default, set on purpose).
    updateSentinels: true,
    // When no sentinel answers, fail the attempt so it surfaces as an error and our backoff
    // (retryStrategy) schedules the next one; a number here would loop inside ioredis unseen.
    sentinelRetryStrategy: () => null,
    // The failover detector's subscriber connections: reconnect on the same capped backoff.
    sentinelReconnectStrategy: hooks.retryStrategy,
    // Asking a sentinel is one command: the same budget as any other.
    sentinelCommandTimeout: config.redis.connection.commandTimeout,
    // Sentinel addresses must be reachable as given; no NAT mapping in the lab.
    natMap: undefined,
  };
}

/** Maps AppConfig to ioredis options. Every option that matters for resilience is set here on purpose. */
export function buildRedisOptions(config: AppConfig, hooks: RedisClientHooks): RedisOptions {
  const c = config.redis.connection;
  const t = resolveRedisTarget(config);
  return {
    ...sentinelOptions(config, hooks),
    host: t.host,
    port: t.port,
    db: t.db,
    username: t.username,
    password: t.password,
    tls: t.tls ? tlsOptions(config, isSentinelMode(config) ? null : t.host) : undefined,
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
    // A failed-over replica (a demoted master) answers READONLY: reconnect (in Sentinel mode that
    // re-asks the sentinels for the master) and reject the command (1), not resend it (2).
    reconnectOnError: config.redis.connection.reconnectOnError ? (err) => (err.message.startsWith('READONLY') ? 1 : false) : null,
    // Key prefixes are the cache's business (redis.caching.keyPrefix), not the connection's.
    keyPrefix: '',
  };
}
