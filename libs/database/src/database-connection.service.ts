import { EventEmitter } from 'node:events';
import { errorMessage } from '@rrl/contracts';
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { databaseUnavailable, QueryTimeoutError, withQueryTimeout } from './database-errors';

/** First retry after 500 ms, doubling up to 15 s: quick when MySQL is merely late, gentle when it is gone. */
const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 15_000;

export interface DatabaseStatus {
  driver: 'mysql' | 'sqlite';
  connected: boolean;
  /** Connection attempts since boot (1 when the first one succeeded). */
  attempts: number;
  lastError: string | null;
  connectedAt: string | null;
}

export interface DatabasePing {
  up: boolean;
  latencyMs: number;
  error?: string;
}

/**
 * Owns the DataSource lifecycle. TypeORM is registered with manualInitialization, so boot never
 * waits on the database: this service connects (and runs migrations) in the background with
 * capped exponential retry, and the rest of the app asks isConnected() instead of crashing.
 */
@Injectable()
export class DatabaseConnectionService implements OnModuleInit, BeforeApplicationShutdown {
  readonly events = new EventEmitter<{ connected: []; 'attempt-failed': [{ attempt: number; error: string; retryInMs: number }] }>();
  private readonly logger = new Logger(DatabaseConnectionService.name);
  private attempts = 0;
  private lastError: string | null = null;
  private connectedAt: Date | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;
  /**
   * Set only once initialize() has resolved. TypeORM flips dataSource.isInitialized as soon as
   * the driver connects, before migrations run, so that flag alone let a request (or a readiness
   * probe) through to a database whose tables did not exist yet (seen in CI: ER_NO_SUCH_TABLE).
   */
  private migrated = false;

  constructor(
    @InjectDataSource() readonly dataSource: DataSource,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.connectSoon(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    // Let a running attempt finish so TypeORM's own shutdown hook sees the final state and closes the pool.
    await this.inFlight;
  }

  isConnected(): boolean {
    return this.migrated && this.dataSource.isInitialized;
  }

  status(): DatabaseStatus {
    return {
      driver: this.config.databaseDriver,
      connected: this.isConnected(),
      attempts: this.attempts,
      lastError: this.lastError,
      connectedAt: this.connectedAt?.toISOString() ?? null,
    };
  }

  /** Resolves once connected and migrated; rejects after timeoutMs. */
  async whenConnected(timeoutMs = 30_000): Promise<void> {
    if (this.isConnected()) return;
    const connected = new Promise<void>((resolve) => this.events.once('connected', resolve));
    await withQueryTimeout(connected, timeoutMs).catch((e: unknown) => {
      throw e instanceof QueryTimeoutError
        ? new Error(`database not connected after ${timeoutMs} ms: ${this.lastError ?? 'no attempt yet'}`)
        : e;
    });
  }

  /**
   * Runs a query once connected and migrated, limited to timeoutMs (a paused database costs a
   * caller at most that long); 503 DATABASE_UNAVAILABLE when not connected or too slow. Driver
   * errors are passed through for the caller to classify.
   */
  async run<T>(query: () => Promise<T>, timeoutMs: number): Promise<T> {
    if (!this.isConnected()) {
      throw databaseUnavailable(
        `not connected yet (${this.attempts} attempt(s)${this.lastError ? `, last error: ${this.lastError}` : ''})`,
      );
    }
    try {
      return await withQueryTimeout(query(), timeoutMs);
    } catch (e) {
      if (e instanceof QueryTimeoutError) throw databaseUnavailable(`query timed out after ${timeoutMs} ms`);
      throw e;
    }
  }

  /** One time-limited round trip; reports down instead of throwing (for health checks). */
  async ping(timeoutMs: number): Promise<DatabasePing> {
    const started = performance.now();
    const latency = () => Math.round((performance.now() - started) * 10) / 10;
    if (!this.isConnected()) return { up: false, latencyMs: 0, error: `not connected${this.lastError ? `: ${this.lastError}` : ''}` };
    try {
      await withQueryTimeout(this.dataSource.query('SELECT 1'), timeoutMs);
      return { up: true, latencyMs: latency() };
    } catch (e) {
      return { up: false, latencyMs: latency(), error: errorMessage(e) };
    }
  }

  private connectSoon(delayMs: number): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.inFlight = this.attempt().finally(() => (this.inFlight = null));
    }, delayMs);
    // Retrying must never keep a finished process (or a Jest worker) alive.
    this.retryTimer.unref();
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.isConnected()) return;
    this.attempts++;
    try {
      await this.initializeCreatingDatabase();
      this.migrated = true;
      this.connectedAt = new Date();
      this.lastError = null;
      this.logger.log(`Connected to ${this.describe()} after ${this.attempts} attempt(s); migrations applied`);
      this.events.emit('connected');
    } catch (e) {
      this.lastError = errorMessage(e);
      const retryInMs = Math.min(RETRY_BASE_MS * 2 ** (this.attempts - 1), RETRY_CAP_MS);
      this.logger.warn(`Cannot connect to ${this.describe()} (attempt ${this.attempts}): ${this.lastError}; retrying in ${retryInMs} ms`);
      this.events.emit('attempt-failed', { attempt: this.attempts, error: this.lastError, retryInMs });
      this.connectSoon(retryInMs);
    }
  }

  /**
   * A fresh server (or the default resilience_lab) just works: when MySQL says the database does
   * not exist, create it and connect again. Only then, so an account without CREATE privilege
   * can still use a database that is already there.
   */
  private async initializeCreatingDatabase(): Promise<void> {
    try {
      await this.dataSource.initialize();
    } catch (e) {
      if ((e as { code?: string }).code !== 'ER_BAD_DB_ERROR') throw e;
      await this.createMysqlDatabase();
      this.logger.log(`Created database ${this.config.mysql.database}`);
      await this.dataSource.initialize();
    }
  }

  /** Connects without selecting a database, which does not exist yet. */
  private async createMysqlDatabase(): Promise<void> {
    const { host, port, user, password, database, connectTimeout } = this.config.mysql;
    const conn = await mysql.createConnection({ host: host ?? '127.0.0.1', port, user, password, connectTimeout });
    try {
      const name = database.replace(/`/g, '``');
      await conn.query({
        sql: `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
        timeout: connectTimeout,
      });
    } finally {
      conn.destroy();
    }
  }

  private describe(): string {
    const { host, port, database } = this.config.mysql;
    return this.config.databaseDriver === 'mysql' ? `MySQL ${host}:${port}/${database}` : `SQLite ${this.config.sqlite.file}`;
  }
}
