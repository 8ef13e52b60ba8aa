import { z } from 'zod';
import { parseRedisUrl } from './redis-url';

/** "true"/"1"/"yes" and their opposites from env vars; real booleans from JSON. */
const bool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off', ''].includes(s)) return false;
  return v;
}, z.boolean());
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const port = int(0, 65535);
const ms = int(1);
const nullableString = z
  .string()
  .min(1)
  .nullish()
  .transform((v) => v ?? null);

/** "host:port" or "[ipv6]:port". */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:,[\]]+):(\d{1,5})$/;
export interface HostPort {
  host: string;
  port: number;
}
const isHostPortObject = (v: unknown): v is { host: string; port: number | string } =>
  typeof v === 'object' && v !== null && typeof (v as { host?: unknown }).host === 'string' && 'port' in v;

/** A list from a comma-separated env value ("a,b") or from a JSON array, each item checked by `item`. */
function commaList<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item),
  );
}

/**
 * A list of host:port, from a comma-separated env value ("a:26379,b:26379") or a JSON array of
 * "host:port" strings or { host, port } objects.
 */
const hostPortList = commaList(
  z.preprocess(
    // { host, port } read as "host:port", so both forms are checked (and reported) alike.
    (v) => (isHostPortObject(v) ? (v.host.includes(':') && !v.host.startsWith('[') ? `[${v.host}]:${v.port}` : `${v.host}:${v.port}`) : v),
    z
      .string()
      .regex(HOST_PORT, 'expected host:port')
      .transform((s, ctx): HostPort => {
        const [, host, p] = HOST_PORT.exec(s)!;
        const portNumber = Number(p);
        if (portNumber < 1 || portNumber > 65535) ctx.addIssue({ code: 'custom', message: `port out of range in "${s}"` });
        return { host: host.replace(/^\[|\]$/g, ''), port: portNumber };
      }),
  ),
);

/** Shortest CHAOS_TOKEN accepted: 16 characters, as `openssl rand -hex 8` gives (64 bits from hex; more from other alphabets). */
export const MIN_TOKEN_LENGTH = 16;

/** A comma-separated env value ("https://a.example,https://b.example") or a JSON array of origins. */
const originList = commaList(
  z
    .string()
    .refine((s) => URL.canParse(s) && new URL(s).origin === s, 'expected an origin: scheme://host[:port], no path or trailing slash'),
);

export const configSchema = z.object({
  port,
  /** 127.0.0.1 unless set: the lab can stop containers, so it is not on the network until asked. */
  host: z.string().min(1),
  /**
   * Browser origins, besides the API's own, whose pages may open /ws (the dashboard on another
   * host or port). Same-origin pages and non-browser clients (no Origin header) always may.
   */
  allowedOrigins: originList,
  /** Folder for the embedded default's SQLite file and managed Redis data. */
  dataDir: z.string().min(1),
  redis: z.object({
    /** redis:// or rediss:// URL; wins over host/port when set. The password may be raw or percent-encoded (redis-url.ts). */
    url: nullableString.superRefine((v, ctx) => {
      if (v === null) return;
      try {
        parseRedisUrl(v);
      } catch (e) {
        // The message never carries the password; the input is not echoed (zod adds none for custom issues).
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
    host: nullableString,
    port,
    db: int(0, 15),
    username: nullableString,
    password: nullableString,
    tls: z.object({ enabled: bool, caFile: nullableString, rejectUnauthorized: bool.default(true) }),
    /**
     * Redis Sentinel: when `nodes` is non-empty the data node is whichever master the sentinels
     * name (url/host/port are then ignored); `redis.username`/`password`/`tls` still apply to it,
     * and `tls` to the sentinels too. Credentials for the sentinels themselves are separate.
     */
    sentinel: z.object({
      nodes: hostPortList,
      masterName: z.string().min(1),
      username: nullableString,
      password: nullableString,
    }),
    connection: z.object({
      /** How often one command is retried across reconnects (ioredis maxRetriesPerRequest). */
      maxRetries: int(0, 1000),
      /** Base of the exponential reconnect backoff, ms. */
      retryDelay: ms,
      /** Cap of the reconnect backoff, ms. */
      maxRetryDelay: ms,
      /** Reconnect when Redis answers READONLY (a failed-over replica). */
      reconnectOnError: bool,
      connectTimeout: ms,
      /** Per-command timeout, ms: a request never waits on a dead Redis longer than this. */
      commandTimeout: ms,
      heartbeatInterval: ms,
      heartbeatTimeout: ms,
      /** How often the recovery probe knocks while Redis is unavailable or slow, ms; 0 turns it off. */
      recoveryProbeInterval: int(0),
      keepAlive: int(0),
      /** Batch commands issued in the same event-loop tick into one write (ioredis enableAutoPipelining). */
      autoPipelining: bool,
    }),
    caching: z.object({
      /** Seconds. */
      ttl: int(1),
      /** Fraction of ttl added at random (0.1 = up to +10%) so keys written together do not expire together. */
      ttlJitter: z.coerce.number().min(0).max(1),
      keyPrefix: z.string().min(1),
      /** Seconds an unknown id is remembered as missing. */
      negativeTtl: int(0),
      warmOnBoot: bool,
      warmBatchSize: int(1, 100_000),
    }),
    resilience: z.object({
      stuckRetryThreshold: int(1),
      autoResetInterval: ms,
      breaker: z.object({
        consecutiveFailures: int(1),
        failureRateThreshold: z.coerce.number().gt(0).max(1),
        failureRateWindow: ms,
        failureRateMinimumRequests: int(1),
        halfOpenAfter: ms,
      }),
    }),
  }),
  mysql: z.object({
    host: nullableString,
    port,
    database: z.string().min(1),
    user: z.string().min(1),
    password: z.string(),
    connectTimeout: ms,
    queryTimeout: ms,
    poolSize: int(1, 1000),
  }),
  sqlite: z.object({ file: z.string().min(1) }),
  chaos: z.object({
    /** The operator token: loop tests, cache warm/flush, Redis reset, chaos, their history and live feeds. */
    token: z
      .string()
      .min(MIN_TOKEN_LENGTH, `must be at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 24)`)
      .nullish()
      .transform((v) => v ?? null),
    /** project: the compose project whose containers chaos may touch; null = the API's own container's (docker-chaos.driver.ts). */
    docker: z.object({ socketPath: z.string().min(1), host: nullableString, project: nullableString }),
    proxy: z.object({ enabled: bool, listenPort: port }),
    /** Reads per second a running scenario issues itself (UserCacheService.get over `ids` existing users); 0 disables. */
    probe: z.object({ readsPerSecond: int(0, 1000), ids: int(1, 10_000) }),
    /** After the target is back, how long a run waits for the app to read from Redis again before it ends anyway. */
    recoveryTimeoutMs: ms,
    /** Longest accepted duration/downtime parameter: a forgotten run cannot keep a store down for hours. */
    maxDurationMs: ms,
  }),
  seed: z.object({
    /**
     * Insert demo users when the API starts on an empty users table, so the dashboard has something
     * to show at once. null = only on the embedded default (managed Redis and SQLite): never into a
     * database someone configured unless asked.
     */
    onFirstStart: bool.nullable(),
    users: int(1, 10_000_000),
  }),
  /** Run history in the database (chaos run reports, loop-test results). */
  history: z.object({
    /** Runs of each kind kept; older ones are deleted as new ones end. */
    keep: int(1, 100_000),
  }),
  logging: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** auto: readable lines when stdout is a terminal, JSON lines otherwise (a pipe, a file, a log collector). */
    format: z.enum(['auto', 'json', 'pretty']),
    /** Removed (it could only turn readable lines on): a leftover setting stops the boot saying what replaced it. */
    pretty: z.never({ error: 'removed: use logging.format (LOG_FORMAT) "auto", "json" or "pretty"' }).optional(),
  }),
  shutdownGraceMs: int(0),
  bodyLimitBytes: int(1024),
});

export type RawAppConfig = z.infer<typeof configSchema>;

/** The validated configuration plus what the embedded default derives from it. */
export interface AppConfig extends Omit<RawAppConfig, 'seed'> {
  /** seed.onFirstStart resolved: null became true on the embedded default, false otherwise. */
  seed: { onFirstStart: boolean; users: number };
  /** "managed": no Redis configured, the API runs its own redis-server child (when on PATH). */
  redisMode: 'external' | 'managed';
  /** "sqlite": no MySQL configured, the embedded default database. */
  databaseDriver: 'mysql' | 'sqlite';
}
