import { sleep } from '@rrl/common';
import { errorMessage, type KeyDistribution } from '@rrl/contracts';
import { Pool } from 'undici';
import { keyPicker } from '../key-picker';
import { LoopLatencyHistogram } from '../loop-latency-histogram';
import { runLoop } from '../run-loop';

export interface HttpLoadTestOptions {
  /** The API's origin, e.g. http://127.0.0.1:8000. */
  url: string;
  iterations: number;
  concurrency: number;
  /** Share of reads (GET /api/users/:id); the rest are writes (PATCH /api/users/:id). */
  readRatio: number;
  keys: { distribution: KeyDistribution; count: number };
  signal?: AbortSignal;
}

/** A stretch during which every request failed (the API restarting, unreachable). */
export interface Gap {
  startedAt: string;
  endedAt: string | null;
  durationMs: number;
  failedRequests: number;
}

export interface HttpLoadTestSnapshot {
  done: number;
  total: number;
  elapsedMs: number;
  ratePerSecond: number;
  averageRatePerSecond: number;
  etaSeconds: number | null;
  checks: { passed: number; failed: number };
  /** Reads by the API's x-cache-source header. */
  readsBySource: { redis: number; mysql: number };
  writes: number;
  errorsByKind: Record<string, number>;
  gaps: Gap[];
}

/** Latency of every request, and per kind: reads served by Redis, by MySQL, and writes. */
export interface HttpLatencies {
  all: LoopLatencyHistogram;
  redis: LoopLatencyHistogram;
  mysql: LoopLatencyHistogram;
  write: LoopLatencyHistogram;
  failed: LoopLatencyHistogram;
}

/**
 * A worker whose request could not reach the API (refused, reset) waits this long before its next
 * one: during a restart the loop would otherwise spend its whole budget on instant refusals.
 */
const UNREACHABLE_BACKOFF_MS = 100;
/** Per request: a hung API fails the request instead of the loop (headers and body). */
const REQUEST_TIMEOUT_MS = 10_000;
const CITIES = ['Lisbon', 'Porto', 'Braga', 'Coimbra', 'Faro'];

/**
 * The loop test from outside: reads and writes over HTTP with a keep-alive pool (undici), as many
 * connections as workers. Keeps going when the API goes away: failed requests are counted by kind
 * (HTTP status + error code, or the socket error), and stretches where nothing succeeded are gaps.
 */
export class HttpLoadTest {
  readonly latency: HttpLatencies = {
    all: new LoopLatencyHistogram(),
    redis: new LoopLatencyHistogram(),
    mysql: new LoopLatencyHistogram(),
    write: new LoopLatencyHistogram(),
    failed: new LoopLatencyHistogram(),
  };
  private readonly pool: Pool;
  private readonly startedAt = performance.now();
  private done = 0;
  private passed = 0;
  private failed = 0;
  private writes = 0;
  private readonly readsBySource = { redis: 0, mysql: 0 };
  private readonly errorsByKind: Record<string, number> = {};
  private readonly gaps: { startedAt: number; endedAt: number | null; failedRequests: number }[] = [];
  private openGap: { startedAt: number; endedAt: number | null; failedRequests: number } | null = null;
  private last = { at: this.startedAt, done: 0, rate: 0 };

  constructor(private readonly options: HttpLoadTestOptions) {
    this.pool = new Pool(options.url, {
      connections: options.concurrency,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
      connect: { timeout: 2000 },
    });
  }

  async run(): Promise<HttpLoadTestSnapshot> {
    const { readRatio, keys, iterations, concurrency } = this.options;
    const pick = keyPicker(keys.distribution, keys.count);
    const signal = this.options.signal ?? new AbortController().signal;
    try {
      await runLoop({
        total: iterations,
        concurrency,
        signal,
        iteration: () => this.request(Math.random() < readRatio, pick()),
      });
    } finally {
      await this.pool.close();
    }
    return this.snapshot();
  }

  /** Call about once a second for the rate over the last interval. */
  tick(): void {
    const at = performance.now();
    if (at > this.last.at) this.last = { at, done: this.done, rate: ((this.done - this.last.done) / (at - this.last.at)) * 1000 };
  }

  snapshot(): HttpLoadTestSnapshot {
    const elapsedMs = performance.now() - this.startedAt;
    const average = elapsedMs > 0 ? (this.done / elapsedMs) * 1000 : 0;
    const rate = this.last.rate || average;
    const now = Date.now();
    return {
      done: this.done,
      total: this.options.iterations,
      elapsedMs,
      ratePerSecond: Math.round(this.last.rate),
      averageRatePerSecond: Math.round(average),
      etaSeconds: rate > 0 ? Math.round((this.options.iterations - this.done) / rate) : null,
      checks: { passed: this.passed, failed: this.failed },
      readsBySource: { ...this.readsBySource },
      writes: this.writes,
      errorsByKind: { ...this.errorsByKind },
      gaps: this.gaps.map((g) => ({
        startedAt: new Date(g.startedAt).toISOString(),
        endedAt: g.endedAt === null ? null : new Date(g.endedAt).toISOString(),
        durationMs: (g.endedAt ?? now) - g.startedAt,
        failedRequests: g.failedRequests,
      })),
    };
  }

  private async request(isRead: boolean, id: number): Promise<void> {
    const started = performance.now();
    try {
      const res = await this.pool.request(
        isRead
          ? { method: 'GET', path: `/api/users/${id}` }
          : {
              method: 'PATCH',
              path: `/api/users/${id}`,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ city: CITIES[this.done % CITIES.length] }),
            },
      );
      const ms = performance.now() - started;
      const source = res.headers['x-cache-source'];
      if (res.statusCode < 300 && (!isRead || source === 'redis' || source === 'mysql')) {
        await res.body.dump();
        this.succeed(ms, isRead ? (source as 'redis' | 'mysql') : 'write');
      } else {
        const body = (await res.body.json().catch(() => ({}))) as { code?: string };
        this.fail(ms, `HTTP ${res.statusCode}${body.code ? ` ${body.code}` : ''}`);
      }
    } catch (e) {
      this.fail(performance.now() - started, (e as { code?: string }).code ?? errorMessage(e));
      await sleep(UNREACHABLE_BACKOFF_MS);
    }
  }

  private succeed(ms: number, kind: 'redis' | 'mysql' | 'write'): void {
    this.done++;
    this.passed++;
    if (kind === 'write') this.writes++;
    else this.readsBySource[kind]++;
    this.latency.all.record(ms);
    this.latency[kind].record(ms);
    if (this.openGap) {
      this.openGap.endedAt = Date.now();
      this.openGap = null;
    }
  }

  private fail(ms: number, kind: string): void {
    this.done++;
    this.failed++;
    this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
    this.latency.all.record(ms);
    this.latency.failed.record(ms);
    if (!this.openGap) {
      this.openGap = { startedAt: Date.now(), endedAt: null, failedRequests: 0 };
      this.gaps.push(this.openGap);
    }
    this.openGap.failedRequests++;
  }
}
