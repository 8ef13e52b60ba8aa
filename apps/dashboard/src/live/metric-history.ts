import type { BreakerState, MetricReadSource, MetricsHistoryPoint, MetricsSnapshot, RedisConnectionState } from '@rrl/contracts';
import { METRICS_HISTORY_SECONDS } from '@rrl/contracts';
import { RingBuffer } from '../lib/ring-buffer';

/** The widest window at the fastest rate: 15 minutes of 4 Hz ticks. */
export const HISTORY_POINTS = METRICS_HISTORY_SECONDS * 4;

/** The server's per-second point with uPlot's x (epoch seconds) for its `at`; the client's own ticks have the same shape. */
export type MetricPoint = Omit<MetricsHistoryPoint, 'at'> & { t: number };

export interface ChaosMarker {
  t: number;
  label: string;
}

export interface Interval {
  from: number;
  to: number;
  /** Still going at the end of what the page knows. */
  ongoing: boolean;
}

/** A state seen at a moment: a tick's, or a transition pushed between ticks (paused or slow feeds get these too). */
interface StateSeen {
  t: number;
  redis?: RedisConnectionState;
  breaker?: BreakerState;
}

const SOURCES: MetricReadSource[] = ['redis', 'mysql', 'none'];
/** As the server's outage tracker counts them: the first connect at boot is no outage. */
export const isOutage = (s: RedisConnectionState) => s === 'reconnecting' || s === 'auth-failed';
/** Open, half-open or isolated: Redis not trusted (a 45 s outage cycles open / half-open every probe, one band). */
export const isBreakerOpen = (s: BreakerState) => s !== 'closed';

/**
 * What the live charts draw: bounded ring buffers of metric points (the server's per-second
 * history, then the client's own ticks), state transitions and chaos markers, filled by the
 * live-updates hook. Charts subscribe and redraw; nothing is re-created per tick.
 */
export class MetricHistory {
  readonly points = new RingBuffer<MetricPoint>(HISTORY_POINTS);
  readonly markers = new RingBuffer<ChaosMarker>(100);
  private readonly transitions = new RingBuffer<StateSeen>(500);
  private previous: MetricsSnapshot | null = null;
  private readonly listeners = new Set<() => void>();
  /** Bumped on every change: a React external-store snapshot. */
  version = 0;

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
    const last = this.points.last();
    if (!last || t > last.t) this.points.push({ t, readsPerSecond, p50, p99, redis: s.redis.state, breaker: s.breaker.state });
    this.previous = s;
    this.notify();
  }

  /**
   * The server's per-second history (answer to a `history` request): it replaces the points of the
   * span it covers; older and newer ones stay. A gap (a pause, a reconnect) fills in at once.
   */
  addHistory(history: MetricsHistoryPoint[]): void {
    if (!history.length) return;
    const [oldest, newest] = [history[0].at / 1000, history[history.length - 1].at / 1000];
    const all = this.points.toArray();
    const merged = [
      ...all.filter((p) => p.t < oldest),
      ...history.map(({ at, ...h }) => ({ ...h, t: at / 1000 })),
      ...all.filter((p) => p.t > newest),
    ];
    this.points.clear();
    for (const p of merged.slice(-HISTORY_POINTS)) this.points.push(p);
    this.notify();
  }

  addRedisTransition(at: string, to: RedisConnectionState): void {
    this.transitions.push({ t: Date.parse(at) / 1000, redis: to });
    this.notify();
  }

  addBreakerTransition(at: string, to: BreakerState): void {
    this.transitions.push({ t: Date.parse(at) / 1000, breaker: to });
    this.notify();
  }

  addMarker(at: string, label: string): void {
    const t = Date.parse(at) / 1000;
    if (this.markers.toArray().some((m) => m.t === t && m.label === label)) return;
    this.markers.push({ t, label });
    this.notify();
  }

  /** The newest moment the page knows of (a tick or a transition), epoch seconds; null before any. */
  end(): number | null {
    const t = Math.max(this.points.last()?.t ?? -Infinity, this.transitions.last()?.t ?? -Infinity);
    return Number.isFinite(t) ? t : null;
  }

  /** Points within the last `windowSeconds` before end(). */
  visible(windowSeconds: number): MetricPoint[] {
    const end = this.end();
    if (end === null) return [];
    return this.points.toArray().filter((p) => p.t >= end - windowSeconds);
  }

  /** Stretches where Redis was down (from ticks and transitions), clipped to the window when given. */
  outages(windowSeconds?: number): Interval[] {
    return this.clip(
      this.intervals((s) => (s.redis === undefined ? undefined : isOutage(s.redis))),
      windowSeconds,
    );
  }

  /** Stretches where the breaker was not closed. */
  breakerOpen(windowSeconds?: number): Interval[] {
    return this.clip(
      this.intervals((s) => (s.breaker === undefined ? undefined : isBreakerOpen(s.breaker))),
      windowSeconds,
    );
  }

  /** Chaos markers within the window. */
  markersInView(windowSeconds: number): ChaosMarker[] {
    const end = this.end();
    return end === null ? [] : this.markers.toArray().filter((m) => m.t >= end - windowSeconds && m.t <= end);
  }

  private clip(intervals: Interval[], windowSeconds?: number): Interval[] {
    const end = this.end();
    if (windowSeconds === undefined || end === null) return intervals;
    const start = end - windowSeconds;
    return intervals.filter((i) => i.to >= start).map((i) => ({ ...i, from: Math.max(i.from, start) }));
  }

  /** Every state seen, in time order: ticks and transitions merged (a transition between ticks still counts). */
  private seen(): StateSeen[] {
    const all: StateSeen[] = [...this.points.toArray(), ...this.transitions.toArray()];
    const oldest = this.points.at(0)?.t ?? -Infinity;
    return all.filter((s) => s.t >= oldest).sort((a, b) => a.t - b.t);
  }

  private intervals(inside: (s: StateSeen) => boolean | undefined): Interval[] {
    const out: Interval[] = [];
    let current: Interval | null = null;
    const seen = this.seen();
    for (const s of seen) {
      const state = inside(s);
      if (state === undefined) continue;
      if (state) {
        if (current) current.to = s.t;
        else current = { from: s.t, to: s.t, ongoing: false };
      } else if (current) {
        current.to = s.t;
        out.push(current);
        current = null;
      }
    }
    if (current) out.push({ ...current, to: seen[seen.length - 1].t, ongoing: true });
    return out;
  }

  private notify(): void {
    this.version++;
    this.listeners.forEach((l) => l());
  }
}
