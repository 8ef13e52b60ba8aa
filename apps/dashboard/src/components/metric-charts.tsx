import { useRef, useSyncExternalStore } from 'react';
import { useQuery } from '@tanstack/react-query';
import type uPlot from 'uplot';
import type { MetricReadSource } from '@rrl/contracts';
import { TimeChart } from './time-chart';
import { ViewControls } from './view-controls';
import { connectionQuery } from '../live/live-queries';
import type { MetricHistory, MetricPoint } from '../live/metric-history';
import { formatNumber } from '../lib/format';
import { faultSummary } from './fault-summary';
import { useViewSettings } from '../lib/view-settings';

/** Colours with ≥ 3:1 contrast against white (WCAG AA for graphics), told apart by the legend text too. */
const COLOURS: Record<MetricReadSource, string> = { redis: '#c0392b', mysql: '#1f5fa8', none: '#555555' };
const FILLS: Record<MetricReadSource, string> = {
  redis: 'rgba(192,57,43,0.35)',
  mysql: 'rgba(31,95,168,0.35)',
  none: 'rgba(85,85,85,0.35)',
};
const STACK: MetricReadSource[] = ['redis', 'mysql', 'none'];

/** Stacked reads per second: each series is the running sum, drawn top-down so fills layer; the legend shows own values. */
function stackedReads(pts: MetricPoint[]): uPlot.AlignedData {
  const xs = pts.map((p) => p.t);
  const sums = STACK.map((_, i) => pts.map((p) => STACK.slice(0, i + 1).reduce((acc, s) => acc + p.readsPerSecond[s], 0)));
  return [xs, ...sums.reverse()];
}

function latency(pts: MetricPoint[]): uPlot.AlignedData {
  return [
    pts.map((p) => p.t),
    pts.map((p) => p.p99.redis),
    pts.map((p) => p.p99.mysql),
    pts.map((p) => p.p50.redis),
    pts.map((p) => p.p50.mysql),
  ];
}

/** Re-renders on every history change (a tick, a transition, a marker), not only when the page does. */
function useHistoryVersion(history: MetricHistory): number {
  return useSyncExternalStore(
    (l) => history.subscribe(l),
    () => history.version,
  );
}

const REVERSED = [...STACK].reverse();

export function ReadsChart({ history, summary, windowSeconds }: { history: MetricHistory; summary: string; windowSeconds: number }) {
  // The legend's idx is an index into the points drawn: keep them for its values.
  const shown = useRef<MetricPoint[]>([]);
  return (
    <TimeChart
      title="Reads per second by source"
      summary={summary}
      history={history}
      windowSeconds={windowSeconds}
      yLabel="reads/s"
      data={(pts) => {
        shown.current = pts;
        return stackedReads(pts);
      }}
      series={REVERSED.map((s) => ({
        label: s === 'none' ? 'failed' : s,
        stroke: COLOURS[s],
        fill: FILLS[s],
        // The series holds the running sum: show this source's own rate in the legend.
        value: (_u, v, seriesIdx, idx) => {
          if (v === null || idx === null) return '—';
          const p = shown.current[idx];
          return p ? formatNumber(p.readsPerSecond[REVERSED[seriesIdx - 1]], 0) : '—';
        },
      }))}
    />
  );
}

/** The view controls, the stacked reads chart, the latency chart and a key that also says in words what the bands show. */
export function MetricCharts({ history, withLatency = true }: { history: MetricHistory; withLatency?: boolean }) {
  useHistoryVersion(history);
  const { windowSeconds } = useViewSettings();
  const { data: connection } = useQuery(connectionQuery);
  const summary = faultSummary(history, windowSeconds, connection);
  return (
    <div className={withLatency ? 'charts' : 'charts charts-single'}>
      <ViewControls />
      <ReadsChart history={history} summary={summary} windowSeconds={windowSeconds} />
      {withLatency && (
        <TimeChart
          title="Read latency by source"
          summary={summary}
          history={history}
          windowSeconds={windowSeconds}
          yLabel="ms"
          data={latency}
          series={[
            { label: 'redis p99', stroke: COLOURS.redis },
            { label: 'mysql p99', stroke: COLOURS.mysql },
            { label: 'redis p50', stroke: '#e08a80' },
            { label: 'mysql p50', stroke: '#7fa6d6' },
          ]}
        />
      )}
      <p className="chart-key">
        <span className="key key-outage" aria-hidden="true" /> Redis outage <span className="key key-breaker" aria-hidden="true" /> breaker
        open or half-open <span className="key key-marker" aria-hidden="true" /> chaos action.{' '}
        <span data-testid="fault-summary">{summary}</span>
      </p>
    </div>
  );
}
