import { CappedBuffer } from '@rrl/common';
import {
  METRICS_HISTORY_SECONDS,
  type BreakerState,
  type LatencySummary,
  type MetricReadSource,
  type MetricsHistoryPoint,
  type RedisConnectionState,
} from '@rrl/contracts';

/**
 * One stored second, flat: a nested contract object costs three extra objects a point, and the
 * buffer holds 900 of them for the process's life. docs/telemetry.md states what one costs.
 */
interface StoredPoint {
  at: number;
  readsRedis: number;
  readsMysql: number;
  readsNone: number;
  p50Redis: number | null;
  p50Mysql: number | null;
  p50None: number | null;
  p99Redis: number | null;
  p99Mysql: number | null;
  p99None: number | null;
  redis: RedisConnectionState;
  breaker: BreakerState;
}

/** What the recorder knows about one second when it takes its sample. */
export interface SecondSummary {
  at: number;
  readsPerSecond: Record<MetricReadSource, number>;
  latency: Record<MetricReadSource, LatencySummary>;
  redis: RedisConnectionState;
  breaker: BreakerState;
}

const rounded = (n: number) => Math.round(n * 100) / 100;

/**
 * The last 15 minutes, one point a second, in a fixed-size CappedBuffer: what a dashboard window
 * needs when it opens or widens, so it shows the past at once instead of starting empty.
 */
export class PerSecondHistory {
  private readonly points: CappedBuffer<StoredPoint>;

  constructor(readonly capacity: number = METRICS_HISTORY_SECONDS) {
    this.points = new CappedBuffer(capacity);
  }

  get length(): number {
    return this.points.length;
  }

  record(s: SecondSummary): void {
    const { redis, mysql, none } = s.latency;
    this.points.push({
      at: s.at,
      readsRedis: rounded(s.readsPerSecond.redis),
      readsMysql: rounded(s.readsPerSecond.mysql),
      readsNone: rounded(s.readsPerSecond.none),
      p50Redis: redis.p50,
      p50Mysql: mysql.p50,
      p50None: none.p50,
      p99Redis: redis.p99,
      p99Mysql: mysql.p99,
      p99None: none.p99,
      redis: s.redis,
      breaker: s.breaker,
    });
  }

  /** The newest `seconds` points, oldest first, in the contract's shape. */
  last(seconds: number): MetricsHistoryPoint[] {
    return this.points.last(seconds).map((p) => ({
      at: p.at,
      readsPerSecond: { redis: p.readsRedis, mysql: p.readsMysql, none: p.readsNone },
      p50: { redis: p.p50Redis, mysql: p.p50Mysql, none: p.p50None },
      p99: { redis: p.p99Redis, mysql: p.p99Mysql, none: p.p99None },
      redis: p.redis,
      breaker: p.breaker,
    }));
  }
}
