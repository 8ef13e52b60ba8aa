import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { xRange } from './time-range';
import 'uplot/dist/uPlot.min.css';
import type { Interval, MetricHistory, MetricPoint } from '../live/metric-history';

export interface ChartSeries {
  label: string;
  stroke: string;
  fill?: string;
  /** Shown in the legend (a stacked series draws a running sum but reports its own value). */
  value?: (u: uPlot, v: number | null, seriesIdx: number, idx: number | null) => string;
}

interface TimeChartProps {
  title: string;
  /** Text for screen readers: what the chart shows right now. */
  summary: string;
  history: MetricHistory;
  /** The time window drawn, seconds (ViewSettings). */
  windowSeconds: number;
  series: ChartSeries[];
  /** The points in view into uPlot's columns (the legend's idx indexes these points). */
  data: (points: MetricPoint[]) => uPlot.AlignedData;
  yLabel: string;
  height?: number;
}

const OUTAGE_FILL = 'rgba(200, 40, 30, 0.14)';
const BREAKER_FILL = 'rgba(180, 110, 0, 0.22)';
const MARKER_STROKE = '#5b2a86';

/** Outages and breaker-open stretches as bands, chaos actions as labelled vertical lines, under the series. */
function faultsPlugin(history: MetricHistory, windowSeconds: () => number): uPlot.Plugin {
  const band = (u: uPlot, intervals: Interval[], fill: string, top: number, height: number) => {
    u.ctx.fillStyle = fill;
    for (const { from, to } of intervals) {
      const x0 = u.valToPos(from, 'x', true);
      const x1 = Math.max(u.valToPos(to, 'x', true), x0 + 2);
      u.ctx.fillRect(x0, top, x1 - x0, height);
    }
  };
  return {
    hooks: {
      drawClear: (u) => {
        const { top, height } = u.bbox;
        u.ctx.save();
        band(u, history.outages(windowSeconds()), OUTAGE_FILL, top, height);
        // The breaker band sits in the top fifth so both show when they overlap.
        band(u, history.breakerOpen(windowSeconds()), BREAKER_FILL, top, height / 5);
        u.ctx.restore();
      },
      draw: (u) => {
        const { top, height } = u.bbox;
        const [min, max] = [u.scales.x.min ?? 0, u.scales.x.max ?? 0];
        u.ctx.save();
        u.ctx.strokeStyle = MARKER_STROKE;
        u.ctx.fillStyle = MARKER_STROKE;
        u.ctx.lineWidth = 2 * devicePixelRatio;
        u.ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        // A label only where it does not run into the previous one: chaos actions come in bursts.
        let labelEnd = -Infinity;
        for (const m of history.markersInView(windowSeconds())) {
          if (m.t < min || m.t > max) continue;
          const x = u.valToPos(m.t, 'x', true);
          u.ctx.beginPath();
          u.ctx.moveTo(x, top);
          u.ctx.lineTo(x, top + height);
          u.ctx.stroke();
          if (x < labelEnd) continue;
          const label = m.label.length > 24 ? `${m.label.slice(0, 23)}…` : m.label;
          const width = u.ctx.measureText(label).width;
          // Near the right edge (a run that just started) the label goes left of its line, not off the chart.
          const right = u.bbox.left + u.bbox.width;
          const at = x + 4 * devicePixelRatio + width > right ? x - 4 * devicePixelRatio - width : x + 4 * devicePixelRatio;
          // A label put left of its line must not run back into the previous one either.
          if (at < labelEnd) continue;
          u.ctx.fillText(label, at, top + 12 * devicePixelRatio);
          labelEnd = Math.max(x, at + width) + 8 * devicePixelRatio;
        }
        u.ctx.restore();
      },
    },
  };
}

/**
 * A live uPlot chart over the history's ring buffers: created once, fed with setData on every tick
 * and window change, resized with its container. The x axis is the chosen window of wall-clock
 * time up to the newest moment the page knows.
 */
export function TimeChart({ title, summary, history, windowSeconds, series, data, yLabel, height = 220 }: TimeChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  const windowRef = useRef(windowSeconds);
  windowRef.current = windowSeconds;
  const columns = () => dataRef.current(history.visible(windowRef.current));

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 280),
      height,
      plugins: [faultsPlugin(history, () => windowRef.current)],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        // The whole window, even before it has filled (with one point uPlot's default range spans years).
        x: { time: true, range: () => xRange(history.end(), windowRef.current) },
        y: { range: (_u, _min, max) => [0, Math.max(max * 1.1, 1)] },
      },
      axes: [{ stroke: '#333' }, { stroke: '#333', label: yLabel, size: 60 }],
      series: [{ label: 'time' }, ...series.map((s) => ({ label: s.label, stroke: s.stroke, fill: s.fill, width: 2, value: s.value }))],
    };
    const chart = new uPlot(opts, columns(), el);
    chartRef.current = chart;
    const unsubscribe = history.subscribe(() => chart.setData(columns()));
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 280), height }));
    resize.observe(el);
    return () => {
      unsubscribe();
      resize.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
    // Built once per history: series and labels are fixed per chart, data and window come through refs.
  }, [history, height]);

  useEffect(() => {
    chartRef.current?.setData(columns());
  }, [windowSeconds]);

  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={container} role="img" aria-label={`${title}. ${summary}`} data-testid={`chart-${title}`} />
    </figure>
  );
}
