import { Link } from 'react-router';
import type { ChaosRun } from '@rrl/contracts';
import { formatDuration, formatNumber, formatTime } from '../../../lib/format';
import { runErrors } from './run-figures';

/** Past runs with their figures; tick two to compare them. */
export function PastRuns({ runs, selected, onToggle }: { runs: ChaosRun[]; selected: string[]; onToggle: (id: string) => void }) {
  const past = runs.filter((r) => r.status !== 'running');
  if (!past.length) return <p>No finished runs yet.</p>;
  return (
    <div className="table-scroll">
      <table className="results" data-testid="past-runs">
        <caption>Past runs, newest first: tick two to compare them side by side</caption>
        <thead>
          <tr>
            <th scope="col">compare</th>
            <th scope="col">started</th>
            <th scope="col">scenario</th>
            <th scope="col">status</th>
            <th scope="col">detect</th>
            <th scope="col">recover</th>
            <th scope="col">reads redis / db / failed</th>
            <th scope="col">errors</th>
          </tr>
        </thead>
        <tbody>
          {past.map((r) => (
            <tr key={r.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Compare the ${r.scenario} run of ${formatTime(r.startedAt)}`}
                  checked={selected.includes(r.id)}
                  onChange={() => onToggle(r.id)}
                  disabled={!selected.includes(r.id) && selected.length >= 2}
                />
              </td>
              <td>{formatTime(r.startedAt)}</td>
              <td>
                <Link to={`/chaos/runs/${encodeURIComponent(r.id)}`}>{r.scenario}</Link>
                <br />
                <small>{paramsText(r)}</small>
              </td>
              <td>{r.status}</td>
              <td>{formatDuration(r.metrics.timeToDetectMs)}</td>
              <td>{formatDuration(r.metrics.timeToRecoverMs)}</td>
              <td>
                {formatNumber(r.metrics.reads.redis)} / {formatNumber(r.metrics.reads.mysql)} / {formatNumber(r.metrics.reads.failed)}
              </td>
              <td>{runErrors(r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function paramsText(run: ChaosRun): string {
  return Object.entries(run.params)
    .filter(([k]) => !/target$/i.test(k))
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}
