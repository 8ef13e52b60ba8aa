import type { ChaosRun } from '@rrl/contracts';
import { formatDuration, formatMs, formatNumber, formatTime } from '../../../lib/format';
import { paramsText } from './past-runs';
import { faultOffset, RunTimeline } from './run-timeline';
import { runErrors } from './run-figures';

const ROWS: { label: string; value: (r: ChaosRun) => string }[] = [
  { label: 'scenario', value: (r) => `${r.scenario} (${paramsText(r)})` },
  { label: 'started', value: (r) => formatTime(r.startedAt) },
  { label: 'status', value: (r) => r.status },
  { label: 'time to detect', value: (r) => formatDuration(r.metrics.timeToDetectMs) },
  { label: 'time to recover', value: (r) => formatDuration(r.metrics.timeToRecoverMs) },
  { label: 'reconnect attempts', value: (r) => String(r.metrics.reconnectAttempts) },
  { label: 'reads from Redis', value: (r) => formatNumber(r.metrics.reads.redis) },
  { label: 'reads from the database', value: (r) => formatNumber(r.metrics.reads.mysql) },
  { label: 'failed reads', value: (r) => formatNumber(r.metrics.reads.failed) },
  { label: 'p50 / p99', value: (r) => `${formatMs(r.metrics.latencyMs.p50)} / ${formatMs(r.metrics.latencyMs.p99)}` },
  { label: 'errors', value: runErrors },
];

/** Two runs side by side: figures in one table, timelines with offsets counted from each run's fault. */
export function RunCompare({ runs, onClose }: { runs: [ChaosRun, ChaosRun]; onClose: () => void }) {
  return (
    <div className="card" role="region" aria-labelledby="compare-title" data-testid="run-compare">
      <h2 id="compare-title">Two runs side by side</h2>
      <div className="table-scroll">
        <table className="results">
          <caption className="sr-only">Figures of the two runs</caption>
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">A</th>
              <th scope="col">B</th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td>{row.value(runs[0])}</td>
                <td>{row.value(runs[1])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="help">Timelines aligned on the fault: +0 is the moment each fault was issued.</p>
      <div className="side-by-side">
        {runs.map((r, i) => (
          <div key={r.id}>
            <h3>
              {i === 0 ? 'A' : 'B'}: {r.scenario}
            </h3>
            <RunTimeline events={r.timeline} zeroMs={faultOffset(r.timeline)} label={`Timeline of run ${i === 0 ? 'A' : 'B'}`} />
          </div>
        ))}
      </div>
      <button type="button" className="secondary" onClick={onClose}>
        Close the comparison
      </button>
    </div>
  );
}
