import type { BreakerState, MetricReadSource, MetricsSnapshot, RedisConnectionState } from '@rrl/contracts';
import { RingBuffer } from '../lib/ring-buffer';

/** Five minutes of one-second ticks. */
export const HISTORY_SECONDS = 300;

export interface MetricPoint {
  /** Epoch seconds (uPlot's x unit). */
  t: number;
  readsPerSecond: Record<MetricReadSource, number>;
  p50: Record<MetricReadSource, number | null>;
  p99: Record<MetricReadSource, number | null>;
  redis: RedisConnectionState;
  breaker: BreakerState;
}

export interface ChaosMarker {
  t: number;
  label: string;
}

export interface Interval {
  from: number;
  to: number;
}

const SOURCES: MetricReadSource[] = ['redis', 'mysql', 'none'];

/**
 * What the live charts draw: bounded ring buffers of metric ticks and chaos markers, filled by the
 * live-updates hook. Charts subscribe and redraw; nothing is re-created per tick.
 */
export class MetricHistory {
  readonly points = new RingBuffer<MetricPoint>(HISTORY_SECONDS);
  readonly markers = new RingBuffer<ChaosMarker>(100);
  private previous: MetricsSnapshot | null = null;
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads per second from the difference of totals between two ticks (sharper than the 10 s
   * window); the window rate when totals went backwards (the API restarted) or on the first tick.
   */
  addSnapshot(s: MetricsSnapshot): void {
    const t = Date.parse(s.at) / 1000;
    const prev = this.previous;
    const dt = prev ? t - Date.parse(prev.at) / 1000 : 0;
    const readsPerSecond = {} as Record<MetricReadSource, number>;
    for (const source of SOURCES) {
      const delta = prev ? s.totals.reads[source] - prev.totals.reads[source] : -1;
      readsPerSecond[source] = dt > 0 && delta >= 0 ? delta / dt : s.rates.last10s.readsPerSecondBySource[source];
    }
    const p50 = {} as Record<MetricReadSource, number | null>;
    const p99 = {} as Record<MetricReadSource, number | null>;
    for (const source of SOURCES) {
      p50[source] = s.latency[source].p50;
      p99[source] = s.latency[source].p99;
    }
    if (!(prev && t <= Date.parse(prev.at) / 1000)) {
      this.points.push({ t, readsPerSecond, p50, p99, redis: s.redis.state, breaker: s.breaker.state });
    }
    this.previous = s;
    this.notify();
  }

  addMarker(at: string, label: string): void {
    this.markers.push({ t: Date.parse(at) / 1000, label });
    this.notify();
  }

  /** Stretches of ticks where Redis was not ready. */
  outages(): Interval[] {
    return this.intervals((p) => p.redis !== 'ready');
  }

  /** Stretches of ticks where the breaker was not closed (open or half-open: Redis not fully trusted). */
  breakerOpen(): Interval[] {
    return this.intervals((p) => p.breaker === 'open' || p.breaker === 'isolated');
  }

  private intervals(inside: (p: MetricPoint) => boolean): Interval[] {
    const out: Interval[] = [];
    let current: Interval | null = null;
    for (const p of this.points.toArray()) {
      if (inside(p)) {
        if (current) current.to = p.t;
        else current = { from: p.t, to: p.t };
      } else if (current) {
        current.to = p.t;
        out.push(current);
        current = null;
      }
    }
    if (current) out.push(current);
    return out;
  }

  private notify(): void {
    this.listeners.forEach((l) => l());
  }
}
