import { z } from 'zod';

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

export const configSchema = z.object({
  port,
  host: z.string().min(1),
  /** Folder for the embedded default's SQLite file and managed Redis data. */
  dataDir: z.string().min(1),
  redis: z.object({
    /** redis:// or rediss:// URL; wins over host/port when set. */
    url: nullableString,
    host: nullableString,
    port,
    db: int(0, 15),
    username: nullableString,
    password: nullableString,
    tls: z.object({ enabled: bool, caFile: nullableString, rejectUnauthorized: bool.default(true) }),
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
    token: nullableString,
    docker: z.object({ socketPath: z.string().min(1), host: nullableString }),
    proxy: z.object({ enabled: bool, listenPort: port }),
    /** Reads per second a running scenario issues itself (UserCacheService.get over `ids` existing users); 0 disables. */
    probe: z.object({ readsPerSecond: int(0, 1000), ids: int(1, 10_000) }),
    /** After the target is back, how long a run waits for the app to read from Redis again before it ends anyway. */
    recoveryTimeoutMs: ms,
    /** Longest accepted duration/downtime parameter: a forgotten run cannot keep a store down for hours. */
    maxDurationMs: ms,
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
export interface AppConfig extends RawAppConfig {
  /** "managed": no Redis configured, the API runs its own redis-server child (when on PATH). */
  redisMode: 'external' | 'managed';
  /** "sqlite": no MySQL configured, the embedded default database. */
  databaseDriver: 'mysql' | 'sqlite';
}
