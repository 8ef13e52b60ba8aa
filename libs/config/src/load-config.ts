import fs from 'node:fs';
import { errorMessage } from '@rrl/contracts';
import path from 'node:path';
import { configSchema, type AppConfig } from './config.schema';
import { deepMerge, isPlainObject } from '@rrl/common';

export type Env = Record<string, string | undefined>;
type Json = Record<string, unknown>;
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> | null : T[K] | null };

/** Environment variable → config path. The seed's names first, then the additions. */
export const ENV_MAP: Record<string, string> = {
  PORT: 'port',
  HOST: 'host',
  ALLOWED_ORIGINS: 'allowedOrigins',
  DATA_DIR: 'dataDir',
  REDIS_URL: 'redis.url',
  REDIS_HOST: 'redis.host',
  REDIS_PORT: 'redis.port',
  REDIS_DB: 'redis.db',
  REDIS_USERNAME: 'redis.username',
  REDIS_PASSWORD: 'redis.password',
  REDIS_TLS: 'redis.tls.enabled',
  REDIS_TLS_CA_FILE: 'redis.tls.caFile',
  REDIS_SENTINELS: 'redis.sentinel.nodes',
  REDIS_SENTINEL_MASTER: 'redis.sentinel.masterName',
  REDIS_SENTINEL_USERNAME: 'redis.sentinel.username',
  REDIS_SENTINEL_PASSWORD: 'redis.sentinel.password',
  REDIS_MAX_RETRIES: 'redis.connection.maxRetries',
  REDIS_COMMAND_TIMEOUT: 'redis.connection.commandTimeout',
  MYSQL_HOST: 'mysql.host',
  MYSQL_PORT: 'mysql.port',
  MYSQL_DATABASE: 'mysql.database',
  MYSQL_USER: 'mysql.user',
  MYSQL_PASSWORD: 'mysql.password',
  SEED_ON_FIRST_START: 'seed.onFirstStart',
  CHAOS_TOKEN: 'chaos.token',
  CHAOS_PROXY_ENABLED: 'chaos.proxy.enabled',
  DOCKER_HOST: 'chaos.docker.host',
  CHAOS_COMPOSE_PROJECT: 'chaos.docker.project',
  HISTORY_KEEP: 'history.keep',
  LOG_LEVEL: 'logging.level',
  LOG_FORMAT: 'logging.format',
  // Removed; mapped only so that a leftover LOG_PRETTY fails the boot naming LOG_FORMAT instead of being ignored.
  LOG_PRETTY: 'logging.pretty',
};

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigValidationError';
  }
}

export interface LoadConfigOptions {
  /** Defaults to process.env: the only place in the project that reads it. */
  env?: Env;
  /** Applied last; tests use it to point at their own servers. */
  overrides?: DeepPartial<AppConfig> | Json;
  /** Folder holding default.json; found by walking up from the working directory and this file. */
  configDir?: string;
}

function findConfigDir(): string {
  for (const start of [process.cwd(), __dirname]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'config', 'default.json'))) return path.join(dir, 'config');
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new ConfigValidationError(['config/default.json not found above the working directory']);
}

function setPath(target: Json, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) node = node[k] = isPlainObject(node[k]) ? node[k] : {};
  node[keys[keys.length - 1]] = value;
}

function readJson(file: string, problems: string[]): Json {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (isPlainObject(parsed)) return parsed;
    problems.push(`${file}: must hold a JSON object`);
  } catch (e) {
    problems.push(`${file}: ${errorMessage(e)}`);
  }
  return {};
}

/**
 * Builds the validated config: config/default.json, then CONFIG_FILE, then env vars, then
 * overrides. Throws one ConfigValidationError listing every bad or missing value.
 */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const dir = options.configDir ?? findConfigDir();
  const problems: string[] = [];
  let raw = readJson(path.join(dir, 'default.json'), problems);
  if (env.CONFIG_FILE) raw = deepMerge(raw, readJson(path.resolve(env.CONFIG_FILE), problems));
  const fromEnv: Json = {};
  const envNameOf = new Map<string, string>();
  for (const [name, dotted] of Object.entries(ENV_MAP)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(fromEnv, dotted, value);
    envNameOf.set(dotted, name);
  }
  raw = deepMerge(raw, fromEnv);
  if (options.overrides) raw = deepMerge(raw, options.overrides);

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const dotted = issue.path.join('.');
      // A list's issue points into it (redis.sentinel.nodes.1): name the variable that set the list.
      const envName = [...envNameOf].find(([d]) => dotted === d || dotted.startsWith(`${d}.`))?.[1];
      const source = envName ? ` (from ${envName})` : '';
      problems.push(`${dotted || '(root)'}${source}: ${issue.message}`);
    }
  }
  if (problems.length || !result.success) throw new ConfigValidationError(problems);
  const cfg = result.data;
  if (cfg.redis.tls.caFile && !fs.existsSync(cfg.redis.tls.caFile)) {
    throw new ConfigValidationError([`redis.tls.caFile: file not found: ${cfg.redis.tls.caFile}`]);
  }
  const redisMode = cfg.redis.url || cfg.redis.host || cfg.redis.sentinel.nodes.length ? 'external' : 'managed';
  const databaseDriver = cfg.mysql.host ? 'mysql' : 'sqlite';
  const embeddedDefault = redisMode === 'managed' && databaseDriver === 'sqlite';
  return { ...cfg, redisMode, databaseDriver, seed: { ...cfg.seed, onFirstStart: cfg.seed.onFirstStart ?? embeddedDefault } };
}
