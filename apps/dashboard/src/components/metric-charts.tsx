import type uPlot from 'uplot';
import type { MetricReadSource } from '@rrl/contracts';
import { TimeChart } from './time-chart';
import type { MetricHistory } from '../live/metric-history';
import { formatNumber, formatTime } from '../lib/format';

/** Colours with ≥ 3:1 contrast against white (WCAG AA for graphics), told apart by the legend text too. */
const COLOURS: Record<MetricReadSource, string> = { redis: '#c0392b', mysql: '#1f5fa8', none: '#555555' };
const FILLS: Record<MetricReadSource, string> = {
  redis: 'rgba(192,57,43,0.35)',
  mysql: 'rgba(31,95,168,0.35)',
  none: 'rgba(85,85,85,0.35)',
};
const STACK: MetricReadSource[] = ['redis', 'mysql', 'none'];

/** Stacked reads per second: each series is the running sum, drawn top-down so fills layer; the legend shows own values. */
function stackedReads(h: MetricHistory): uPlot.AlignedData {
  const pts = h.points.toArray();
  const xs = pts.map((p) => p.t);
  const sums = STACK.map((_, i) => pts.map((p) => STACK.slice(0, i + 1).reduce((acc, s) => acc + p.readsPerSecond[s], 0)));
  return [xs, ...sums.reverse()];
}

function latency(h: MetricHistory): uPlot.AlignedData {
  const pts = h.points.toArray();
  return [
    pts.map((p) => p.t),
    pts.map((p) => p.p99.redis),
    pts.map((p) => p.p99.mysql),
    pts.map((p) => p.p50.redis),
    pts.map((p) => p.p50.mysql),
  ];
}

/** Describes the bands and markers in words for screen readers and for anyone reading the page. */
function faultSummary(h: MetricHistory): string {
  const outages = h.outages();
  const open = h.breakerOpen();
  const parts = [
    outages.length
      ? `Redis outages in view: ${outages.map((o) => `${formatTime(o.from * 1000)}–${formatTime(o.to * 1000)}`).join(', ')}`
      : 'no Redis outage in view',
    open.length ? `breaker open ${open.length} time(s)` : 'breaker closed throughout',
  ];
  const markers = h.markers.toArray().slice(-3);
  if (markers.length) parts.push(`chaos: ${markers.map((m) => `${m.label} at ${formatTime(m.t * 1000)}`).join('; ')}`);
  return parts.join('; ');
}

const REVERSED = [...STACK].reverse();

export function ReadsChart({ history, summary }: { history: MetricHistory; summary: string }) {
  return (
    <TimeChart
      title="Reads per second by source"
      summary={summary}
      history={history}
      yLabel="reads/s"
      data={stackedReads}
      series={REVERSED.map((s) => ({
        label: s === 'none' ? 'failed' : s,
        stroke: COLOURS[s],
        fill: FILLS[s],
        // The series holds the running sum: show this source's own rate in the legend.
        value: (_u, v, seriesIdx, idx) => {
          if (v === null || idx === null) return '—';
          const p = history.points.at(idx);
          return p ? formatNumber(p.readsPerSecond[REVERSED[seriesIdx - 1]], 0) : '—';
        },
      }))}
    />
  );
}

/** The stacked reads chart, the latency chart and a key that also says in words what the bands show. */
export function MetricCharts({ history, withLatency = true }: { history: MetricHistory; withLatency?: boolean }) {
  const summary = faultSummary(history);
  return (
    <div className="charts">
      <ReadsChart history={history} summary={summary} />
      {withLatency && (
        <TimeChart
          title="Read latency by source"
          summary={summary}
          history={history}
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
        open <span className="key key-marker" aria-hidden="true" /> chaos action. <span data-testid="fault-summary">{summary}</span>
      </p>
    </div>
  );
}
